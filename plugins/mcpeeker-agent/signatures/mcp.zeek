##! MCPeeker: recognises MCP (Model Context Protocol) over HTTP and writes
##! mcp.log, one line for each signature that fires on an HTTP exchange.
##!
##! The signature ids, names and severities are MCPeeker's catalogue
##! (plugins/mcpeeker-agent/src/network/signatures/catalogue.ts); a test keeps
##! the table below equal to it, and the conditions mirror the Suricata rules
##! in mcp.rules and the tshark sensor. See docs/network.md.
##!
##! Load it: `zeek -r capture.pcap /path/to/mcp.zeek`, or copy it to
##! site/mcp.zeek and add `@load mcp` to local.zeek. mcp.log columns:
##! ts uid id.orig_h id.orig_p id.resp_h id.resp_p method sig_id sig_name
##! severity server_name user_agent session_id (MCPeeker's network adapter
##! reads them by name; the session id is hashed before it leaves).
##!
##! Bodies are read in clear only: over TLS, only names (SNI, DNS) are visible.

@load base/protocols/http
@load base/utils/patterns

module MCP;

export {
	redef enum Log::ID += { LOG };

	global log_policy: Log::PolicyHook;

	type Info: record {
		## When the signature fired.
		ts:          time    &log;
		uid:         string  &log;
		## The client is the originator, the MCP server the responder.
		id:          conn_id &log;
		## The JSON-RPC method of the request, when it has one.
		method:      string  &log &optional;
		sig_id:      string  &log;
		sig_name:    string  &log;
		## low, medium or high.
		severity:    string  &log;
		## serverInfo.name from the server's initialize result.
		server_name: string  &log &optional;
		user_agent:  string  &log &optional;
		## The Mcp-Session-Id header (request, else response).
		session_id:  string  &log &optional;
	};

	type Signature: record {
		name:     string;
		severity: string;
	};

	## MCPeeker's signature catalogue: id -> name and severity.
	const signatures: table[string] of Signature = {
		["MCP-001"] = [$name="MCP initialize request over HTTP", $severity="high"],
		["MCP-002"] = [$name="MCP initialize result over HTTP", $severity="high"],
		["MCP-003"] = [$name="MCP tools/list request over HTTP", $severity="medium"],
		["MCP-004"] = [$name="MCP tools/call request over HTTP", $severity="high"],
		["MCP-005"] = [$name="MCP Streamable HTTP request (JSON-RPC accepting an event stream)", $severity="low"],
		["MCP-006"] = [$name="MCP session header on an MCP request", $severity="medium"],
		["MCP-007"] = [$name="MCP protocol version header", $severity="medium"],
		["MCP-008"] = [$name="MCP legacy SSE endpoint announcement", $severity="medium"],
	} &redef;

	## How many bytes of each body are kept to match on.
	const body_limit = 16384 &redef;

	global log_mcp: event(rec: Info);
}

## What one HTTP exchange has shown so far.
type Exchange: record {
	http_method:           string &default="";
	accept:                string &default="";
	user_agent:            string &optional;
	session_id:            string &optional;
	protocol_version:      string &optional;
	request_body:          string &default="";
	response_content_type: string &default="";
	response_body:         string &default="";
	rpc_method:            string &optional;
	server_name:           string &optional;
	## ",MCP-001,MCP-005," : the signatures already logged for it.
	fired:                 string &default=",";
};

## The exchange in progress on each connection (HTTP/1.1 is one at a time).
global exchanges: table[string] of Exchange &create_expire=1hr;

const jsonrpc_2 = /"jsonrpc"[ \t\r\n]*:[ \t\r\n]*"2\.0"/;
const method_field = /"method"[ \t\r\n]*:[ \t\r\n]*"[^"]*"/;
const method_initialize = /"method"[ \t\r\n]*:[ \t\r\n]*"initialize"/;
const method_tools_list = /"method"[ \t\r\n]*:[ \t\r\n]*"tools\/list"/;
const method_tools_call = /"method"[ \t\r\n]*:[ \t\r\n]*"tools\/call"/;
const server_info_name = /"serverInfo"[ \t\r\n]*:[ \t\r\n]*\{[^}]*"name"[ \t\r\n]*:[ \t\r\n]*"[^"]*"/;
const dated_revision = /^[ \t]*[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ \t]*$/;
## `event: endpoint` then `data: <url>`, first in the stream or after a line.
const sse_endpoint_first = /^event:[ \t]?endpoint\r?\ndata:[ \t]?[^ \t\r\n]/;
const sse_endpoint_later = /\nevent:[ \t]?endpoint\r?\ndata:[ \t]?[^ \t\r\n]/;

event zeek_init() &priority=5
	{
	Log::create_stream(MCP::LOG, [$columns=Info, $ev=log_mcp, $path="mcp", $policy=log_policy]);
	}

## The quoted value at the end of a `"key": "value"` match.
function quoted_value(field: string): string
	{
	local parts = split_string(field, /"/);
	# "method" : "tools/list"  ->  ["", "method", " : ", "tools/list", ""]
	return |parts| >= 4 ? parts[3] : "";
	}

function fire(c: connection, x: Exchange, sig_id: string)
	{
	if ( ("," + sig_id + ",") in x$fired )
		return;
	x$fired = x$fired + sig_id + ",";
	local s = signatures[sig_id];
	local rec = Info($ts=network_time(), $uid=c$uid, $id=c$id,
	                 $sig_id=sig_id, $sig_name=s$name, $severity=s$severity);
	if ( x?$rpc_method )
		rec$method = x$rpc_method;
	if ( x?$server_name )
		rec$server_name = x$server_name;
	if ( x?$user_agent )
		rec$user_agent = x$user_agent;
	if ( x?$session_id )
		rec$session_id = x$session_id;
	Log::write(MCP::LOG, rec);
	}

function match_request(c: connection, x: Exchange)
	{
	local body = x$request_body;
	local method = match_pattern(body, method_field);
	if ( method$matched )
		x$rpc_method = quoted_value(method$str);
	local post = x$http_method == "POST";
	local rpc = "\"jsonrpc\"" in body;

	# MCP-001: MCP's initialize (protocolVersion + clientInfo), not a language server's (processId).
	if ( post && rpc && method_initialize in body && "\"protocolVersion\"" in body &&
	     "\"clientInfo\"" in body && "\"processId\"" !in body )
		fire(c, x, "MCP-001");
	if ( post && rpc && method_tools_list in body )
		fire(c, x, "MCP-003");
	if ( post && rpc && "\"params\"" in body && method_tools_call in body )
		fire(c, x, "MCP-004");
	if ( post && "application/json" in x$accept && "text/event-stream" in x$accept &&
	     jsonrpc_2 in body )
		fire(c, x, "MCP-005");
	if ( x?$session_id && "text/event-stream" in x$accept )
		fire(c, x, "MCP-006");
	if ( x?$protocol_version && dated_revision in x$protocol_version )
		fire(c, x, "MCP-007");
	}

function match_response(c: connection, x: Exchange)
	{
	local body = x$response_body;
	if ( "\"jsonrpc\"" in body && "\"result\"" in body && "\"protocolVersion\"" in body &&
	     "\"serverInfo\"" in body )
		{
		local name = match_pattern(body, server_info_name);
		if ( name$matched )
			{
			local parts = split_string(name$str, /"/);
			x$server_name = parts[|parts| - 2];
			}
		fire(c, x, "MCP-002");
		}
	if ( x$http_method == "GET" && "text/event-stream" in x$response_content_type &&
	     ( sse_endpoint_first in body || sse_endpoint_later in body ) )
		fire(c, x, "MCP-008");
	}

event http_request(c: connection, method: string, original_URI: string,
                   unescaped_URI: string, version: string)
	{
	exchanges[c$uid] = Exchange($http_method=method);
	}

event http_header(c: connection, is_orig: bool, original_name: string,
                  name: string, value: string)
	{
	if ( c$uid !in exchanges )
		return;
	local x = exchanges[c$uid];
	if ( is_orig )
		{
		if ( name == "ACCEPT" )
			x$accept = to_lower(value);
		else if ( name == "USER-AGENT" )
			x$user_agent = value;
		else if ( name == "MCP-SESSION-ID" )
			x$session_id = value;
		else if ( name == "MCP-PROTOCOL-VERSION" )
			x$protocol_version = value;
		}
	else
		{
		if ( name == "CONTENT-TYPE" )
			x$response_content_type = to_lower(value);
		else if ( name == "MCP-SESSION-ID" && ! x?$session_id )
			x$session_id = value;
		}
	}

event http_entity_data(c: connection, is_orig: bool, length: count, data: string)
	{
	if ( c$uid !in exchanges )
		return;
	local x = exchanges[c$uid];
	if ( is_orig )
		{
		if ( |x$request_body| < body_limit )
			x$request_body = x$request_body +
			                 sub_bytes(data, 1, body_limit - |x$request_body|);
		}
	else
		{
		if ( |x$response_body| < body_limit )
			x$response_body = x$response_body +
			                  sub_bytes(data, 1, body_limit - |x$response_body|);
		# A legacy SSE stream stays open for the session: match as it arrives.
		match_response(c, x);
		}
	}

event http_message_done(c: connection, is_orig: bool, stat: http_message_stat)
	{
	if ( c$uid !in exchanges )
		return;
	local x = exchanges[c$uid];
	if ( is_orig )
		match_request(c, x);
	else
		match_response(c, x);
	}
