import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi, useApiHolder } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  FEEDBACK_VERDICTS,
  FeedbackCreate,
  feedbackCreateSchema,
  FeedbackVerdict,
  Finding,
  MAX_FEEDBACK_NOTE_LENGTH,
  MAX_FEEDBACK_TAGS,
  MAX_SUPPRESSION_DAYS,
  mcpeekerFeedbackCreatePermission,
  mcpeekerFeedbackReadPermission,
  mcpeekerSuppressionCreatePermission,
  suppressionExpiryProblem,
  SuppressionScope,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { LocalTime } from '../LocalTime';
import { day, endOfDay } from '../Registry/EntryActions';
import { errorMessage } from '../Registry/RegisterForm';
import { VERDICT_MEANINGS, VERDICT_WORDS } from './triageWords';

/** The form's fields; `form` is whatever belongs to none of them. */
type Field =
  | 'verdict'
  | 'note'
  | 'tags'
  | 'scope'
  | 'team'
  | 'reason'
  | 'expiresAt'
  | 'form';

/** Where the API's fields are shown, and their names in words. */
const FIELDS: Record<string, [Field, string]> = {
  verdict: ['verdict', 'Verdict'],
  note: ['note', 'Note'],
  tags: ['tags', 'Tags'],
  'suppress.scope': ['scope', 'Scope'],
  'suppress.team': ['team', 'Team'],
  'suppress.reason': ['reason', 'Reason'],
  'suppress.expiresAt': ['expiresAt', 'Expiry'],
};

type Problems = Partial<Record<Field, string>>;

/** Each field's first problem with `body` by the common schema (the one the backend checks with), in words. */
function problemsWith(body: FeedbackCreate): Problems {
  const parsed = feedbackCreateSchema.safeParse(body);
  if (parsed.success) return {};
  const out: Problems = {};
  for (const issue of parsed.error.issues) {
    const [first, second] = issue.path;
    if (first === 'tags' && typeof second === 'number') {
      out.tags ??= `Tag '${body.tags?.[second]}' ${issue.message}`;
      continue;
    }
    const path = issue.path.map(String).join('.');
    const [field, words] = FIELDS[path] ?? ['form', path || 'Feedback'];
    out[field] ??= `${words} ${issue.message}`;
  }
  return out;
}

/**
 * The backend's refusal, beside the field it names ("Invalid feedback:
 * suppress.team group:default/x is not in the catalog"), else for the form.
 */
function problemsFromRefusal(error: unknown): Problems {
  const message = errorMessage(error).replace(/^Invalid feedback: /, '');
  const match = message.match(/^(suppress\.\w+|note|tags|verdict):? (.+)$/);
  const known = match && FIELDS[match[1]];
  return known ? { [known[0]]: `${known[1]} ${match[2]}` } : { form: message };
}

/** The groups the finding's owners belong to, from the catalog when the app has one: the teams to offer. */
function useOwnersTeams(finding: Finding, wanted: boolean): string[] {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const owners = finding.owners.length
    ? finding.owners
    : [finding.owner].filter((o): o is string => !!o);
  const { value } = useAsync(async () => {
    if (!catalogApi || !wanted || owners.length === 0) return [];
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: owners,
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'],
    });
    const teams = items.flatMap(entity => [
      ...(entity?.kind.toLowerCase() === 'group'
        ? [
            `group:${entity.metadata.namespace ?? 'default'}/${
              entity.metadata.name
            }`,
          ]
        : []),
      ...(entity?.relations ?? [])
        .filter(r => r.type === 'memberOf' && r.targetRef.startsWith('group:'))
        .map(r => r.targetRef),
    ]);
    return [...new Set(teams)].sort();
  }, [catalogApi, wanted, owners.join(',')]);
  return value ?? [];
}

/** The three ways a false positive may be suppressed, in words; a scope this finding cannot have is left out. */
function scopeChoices(
  finding: Finding,
): Array<{ scope: SuppressionScope; label: string; meaning: string }> {
  const name = finding.serverName;
  return [
    {
      scope: 'finding',
      label: 'This finding only',
      meaning:
        'This server on this host. The same server elsewhere stays in view.',
    },
    ...(name
      ? [
          {
            scope: 'server-on-team' as const,
            label: `${name} on a team's machines`,
            meaning: `Every finding of a server named ${name} whose owners all belong to the team you pick, now and later. A shared host with anyone else's server stays in view.`,
          },
        ]
      : []),
    ...(finding.commandSignatureHash
      ? [
          {
            scope: 'command' as const,
            label: 'This command everywhere',
            meaning:
              'The same stdio command (launcher and arguments, secret values dropped) on any host, whoever runs it.',
          },
        ]
      : []),
  ];
}

const EMPTY_FORM = {
  verdict: '' as FeedbackVerdict | '',
  note: '',
  tags: '',
  suppress: false,
  scope: 'finding' as SuppressionScope,
  team: '',
  reason: '',
  expires: '',
};

/** The feedback form: a verdict, a note, tags, and for a false positive the suppression of its pattern. */
function FeedbackForm({
  finding,
  onSent,
}: {
  finding: Finding;
  onSent: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const { allowed: maySuppress } = usePermission({
    permission: mcpeekerSuppressionCreatePermission,
  });
  const [form, setForm] = useState(EMPTY_FORM);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const suppressing =
    maySuppress && form.verdict === 'false-positive' && form.suppress;
  const teams = useOwnersTeams(
    finding,
    suppressing && form.scope === 'server-on-team',
  );
  // A change to a field answers what was said of it: its problem goes.
  const set =
    <K extends keyof typeof EMPTY_FORM>(key: K) =>
    (value: (typeof EMPTY_FORM)[K]) => {
      setForm(f => ({ ...f, [key]: value }));
      setProblems(p => {
        if (!(key in p)) return p;
        const rest: Problems = { ...p };
        delete rest[key as keyof Problems];
        return rest;
      });
    };

  /** The body the form stands for, as the API takes it. */
  function body(): FeedbackCreate {
    const tags = form.tags.split(/[\s,]+/).filter(Boolean);
    return {
      verdict: form.verdict as FeedbackVerdict,
      ...(form.note.trim() ? { note: form.note } : {}),
      ...(tags.length ? { tags } : {}),
      ...(suppressing
        ? {
            suppress: {
              scope: form.scope,
              reason: form.reason,
              ...(form.scope === 'server-on-team' && form.team.trim()
                ? { team: form.team.trim() }
                : {}),
              ...(form.expires ? { expiresAt: endOfDay(form.expires) } : {}),
            },
          }
        : {}),
    };
  }

  async function submit() {
    if (!form.verdict) {
      setProblems({ verdict: 'Choose a verdict.' });
      return;
    }
    const sent = body();
    const found = problemsWith(sent);
    if (suppressing && form.scope === 'server-on-team' && !form.team.trim())
      found.team ??= 'Team is required: pick the team whose machines it is on';
    const late =
      sent.suppress?.expiresAt &&
      suppressionExpiryProblem(sent.suppress.expiresAt);
    if (late) found.expiresAt ??= `Expiry ${late}`;
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const saved = await api.createFeedback(finding.compositeId, sent);
      setForm(EMPTY_FORM);
      onSent(
        `Feedback recorded: ${VERDICT_WORDS[saved.verdict].toLowerCase()}${
          saved.suppression ? `; suppressed ${saved.suppression.label}` : ''
        }`,
      );
    } catch (error) {
      setProblems(problemsFromRefusal(error));
    } finally {
      setBusy(false);
    }
  }

  const noteLength = form.note.length;
  const choices = scopeChoices(finding);
  return (
    <form
      aria-label="Feedback"
      // Checked by the common schema, each reason beside its field (not the browser's bubbles).
      noValidate
      style={{ display: 'flex', flexDirection: 'column', gap: 16 }}
      onSubmit={e => {
        e.preventDefault();
        submit();
      }}
    >
      <FormControl component="fieldset" error={!!problems.verdict}>
        <FormLabel component="legend">Verdict</FormLabel>
        <RadioGroup
          row
          aria-label="Verdict"
          value={form.verdict}
          onChange={e => set('verdict')(e.target.value as FeedbackVerdict)}
        >
          {FEEDBACK_VERDICTS.map(v => (
            <FormControlLabel
              key={v}
              value={v}
              control={<Radio />}
              label={VERDICT_WORDS[v]}
              title={VERDICT_MEANINGS[v]}
            />
          ))}
        </RadioGroup>
        {problems.verdict && (
          <FormHelperText role="alert">{problems.verdict}</FormHelperText>
        )}
      </FormControl>
      <TextField
        multiline
        minRows={3}
        id="feedback-note"
        label="Note (optional)"
        value={form.note}
        onChange={e => set('note')(e.target.value)}
        error={!!problems.note || noteLength > MAX_FEEDBACK_NOTE_LENGTH}
        helperText={
          problems.note ??
          `${noteLength.toLocaleString(
            'en-US',
          )} / ${MAX_FEEDBACK_NOTE_LENGTH.toLocaleString('en-US')} characters`
        }
        FormHelperTextProps={problems.note ? { role: 'alert' } : {}}
      />
      <TextField
        id="feedback-tags"
        label="Tags (optional)"
        placeholder="ci, build-farm"
        value={form.tags}
        onChange={e => set('tags')(e.target.value)}
        error={!!problems.tags}
        helperText={
          problems.tags ??
          `Separated by commas or spaces; a-z, 0-9 and -, at most ${MAX_FEEDBACK_TAGS}`
        }
        FormHelperTextProps={problems.tags ? { role: 'alert' } : {}}
      />
      {maySuppress && form.verdict === 'false-positive' && (
        <Box>
          <FormControlLabel
            control={
              <Checkbox
                checked={form.suppress}
                onChange={e => set('suppress')(e.target.checked)}
              />
            }
            label="Suppress: leave it out of the Findings list, its export and the owners' alerts (still detected and scored)"
          />
          {form.suppress && (
            <Box
              display="flex"
              flexDirection="column"
              style={{ gap: 16, marginLeft: 32 }}
            >
              <FormControl component="fieldset" error={!!problems.scope}>
                <FormLabel component="legend">What to suppress</FormLabel>
                <RadioGroup
                  aria-label="What to suppress"
                  value={form.scope}
                  onChange={e =>
                    set('scope')(e.target.value as SuppressionScope)
                  }
                >
                  {choices.map(c => (
                    <FormControlLabel
                      key={c.scope}
                      value={c.scope}
                      control={<Radio />}
                      label={
                        <>
                          <Typography variant="body2">{c.label}</Typography>
                          <Typography variant="caption" color="textSecondary">
                            {c.meaning}
                          </Typography>
                        </>
                      }
                    />
                  ))}
                </RadioGroup>
                {problems.scope && (
                  <FormHelperText role="alert">{problems.scope}</FormHelperText>
                )}
              </FormControl>
              {form.scope === 'server-on-team' && (
                <div>
                  <TextField
                    fullWidth
                    id="suppress-team"
                    label="Team"
                    placeholder="group:default/platform"
                    value={form.team}
                    onChange={e => set('team')(e.target.value)}
                    error={!!problems.team}
                    helperText={
                      problems.team ??
                      'A group entity ref: its members are read from the catalog'
                    }
                    FormHelperTextProps={problems.team ? { role: 'alert' } : {}}
                  />
                  {teams.length > 0 && (
                    <Box
                      display="flex"
                      flexWrap="wrap"
                      alignItems="center"
                      style={{ gap: 4, marginTop: 4 }}
                    >
                      <Typography variant="caption">
                        The owners&apos; teams:
                      </Typography>
                      {teams.map(t => (
                        <Chip
                          key={t}
                          size="small"
                          label={t}
                          onClick={() => set('team')(t)}
                        />
                      ))}
                    </Box>
                  )}
                </div>
              )}
              <TextField
                fullWidth
                multiline
                required
                id="suppress-reason"
                label="Reason"
                value={form.reason}
                onChange={e => set('reason')(e.target.value)}
                error={!!problems.reason}
                helperText={
                  problems.reason ??
                  'Why nobody needs to see it: shown wherever it is suppressed'
                }
                FormHelperTextProps={problems.reason ? { role: 'alert' } : {}}
              />
              <TextField
                type="date"
                id="suppress-expires"
                label="Expires (optional)"
                InputLabelProps={{ shrink: true }}
                inputProps={{ min: day(1), max: day(MAX_SUPPRESSION_DAYS) }}
                value={form.expires}
                onChange={e => set('expires')(e.target.value)}
                error={!!problems.expiresAt}
                helperText={
                  problems.expiresAt ??
                  `Empty: until an admin lifts it; at most ${MAX_SUPPRESSION_DAYS} days ahead`
                }
                FormHelperTextProps={
                  problems.expiresAt ? { role: 'alert' } : {}
                }
                style={{ maxWidth: 260 }}
              />
            </Box>
          )}
        </Box>
      )}
      {problems.form && (
        <Typography color="error" role="alert" variant="body2">
          {problems.form}
        </Typography>
      )}
      <div>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={busy}
        >
          {suppressing ? 'Send feedback and suppress' : 'Send feedback'}
        </Button>
      </div>
    </form>
  );
}

/** The feedback given so far, newest first, with who gave it and when. */
function FeedbackList({
  compositeId,
  reloadKey,
}: {
  compositeId: string;
  reloadKey: unknown;
}) {
  const api = useApi(mcpeekerApiRef);
  const { value, error } = useAsync(
    () => api.listFeedback(compositeId),
    [api, compositeId, reloadKey],
  );
  if (error)
    return <Typography color="error">{errorMessage(error)}</Typography>;
  if (!value) return <Progress />;
  if (value.items.length === 0)
    return <Typography variant="body2">No feedback yet.</Typography>;
  return (
    <ul aria-label="Feedback so far" style={{ paddingLeft: 0, margin: 0 }}>
      {value.items.map(f => (
        <Box component="li" key={f.id} style={{ listStyle: 'none' }} mb={2}>
          <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
            <Chip size="small" label={VERDICT_WORDS[f.verdict]} />
            <Typography variant="body2" color="textSecondary">
              {f.author}, <LocalTime iso={f.createdAt} />
            </Typography>
            {f.tags.map(t => (
              <Chip key={t} size="small" variant="outlined" label={t} />
            ))}
          </Box>
          {f.note && (
            <Typography
              variant="body2"
              style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
            >
              {f.note}
            </Typography>
          )}
        </Box>
      ))}
    </ul>
  );
}

/**
 * Feedback on a finding: the form for those who may give it
 * (`mcpeeker.feedback.create`), the list for those who may read it
 * (`mcpeeker.feedback.read`: notes are the analysts'). Nothing for anyone
 * else. `onChanged` reloads the finding (a suppression hides it).
 */
export function FeedbackCard({
  finding,
  reloadKey,
  onChanged,
}: {
  finding: Finding;
  reloadKey: unknown;
  onChanged: () => void;
}) {
  const { allowed: mayGive } = usePermission({
    permission: mcpeekerFeedbackCreatePermission,
  });
  const { allowed: mayRead } = usePermission({
    permission: mcpeekerFeedbackReadPermission,
  });
  const [message, setMessage] = useState<string>();
  if (!mayGive && !mayRead) return null;
  return (
    <InfoCard title="Feedback">
      {message && (
        <Typography role="status" variant="body2" paragraph>
          {message}
        </Typography>
      )}
      {mayGive && (
        <FeedbackForm
          finding={finding}
          onSent={m => {
            setMessage(m);
            onChanged();
          }}
        />
      )}
      {mayGive && mayRead && <Divider style={{ margin: '24px 0 16px' }} />}
      {mayRead && (
        <>
          <Typography variant="subtitle2" gutterBottom>
            Feedback so far, newest first
          </Typography>
          <FeedbackList
            compositeId={finding.compositeId}
            reloadKey={reloadKey}
          />
        </>
      )}
    </InfoCard>
  );
}
