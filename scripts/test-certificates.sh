#!/usr/bin/env bash
# Makes a throw-away certificate authority and the certificates signed by it
# that the mutual-TLS tests use, with the openssl CLI:
#   scripts/test-certificates.sh DIR
# DIR/ca.pem            the CA that signs the others (its key: ca-key.pem)
# DIR/server.pem, -key  a server certificate for localhost and 127.0.0.1
# DIR/client.pem, -key  a client certificate (CN mcpeeker-agent-test)
# DIR/rogue-ca.pem and DIR/rogue-client.pem, -key: a client certificate signed
#                       by another CA, which a verifying server must refuse
# For trying mutual TLS on a laptop; never for a real deployment.
set -euo pipefail
dir="${1:?usage: test-certificates.sh DIR}"
mkdir -p "$dir"
cd "$dir"
days=2

ca() { # name subject
  openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=$2" \
    -keyout "$1-key.pem" -out "$1.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf() { # name subject ca usage [san]
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
  local ext="$1.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$4"
    if [ -n "${5:-}" ]; then echo "subjectAltName=$5"; fi
  } > "$ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3-key.pem" -CAcreateserial \
    -days "$days" -extfile "$ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$ext"
}

ca ca "MCPeeker test CA"
leaf server localhost ca serverAuth "DNS:localhost,IP:127.0.0.1"
leaf client mcpeeker-agent-test ca clientAuth
ca rogue-ca "Someone else's CA"
leaf rogue-client mcpeeker-agent-test rogue-ca clientAuth
chmod 600 ./*-key.pem
