/**
 * SARIF 2.1.0 output for `session-lens check`: one run, one rule descriptor per policy rule, one
 * result per finding, located at the checked URL. GitHub code scanning reads `level` and
 * `properties.security-severity`.
 */
import { RULES, type Finding, type Severity } from '../../policy/index.ts';

/** The checked URL and its findings. */
export interface SarifInput {
  url: string;
  findings: readonly Finding[];
}

/** SARIF `level` for a severity. */
export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** GitHub's security-severity score (0.0–10.0) for a severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** The SARIF 2.1.0 schema location written into the log. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * Builds a SARIF 2.1.0 log.
 *
 * @example
 * JSON.stringify(toSarif([{ url, findings }], { version: '0.1.0' }), null, 2)
 */
export function toSarif(results: readonly SarifInput[], tool: { version: string }): Record<string, unknown> {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'session-lens',
            version: tool.version,
            semanticVersion: tool.version,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id
                .split('-')
                .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
                .join(''),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              help: { text: `${r.description} References: ${r.references.join('; ')}.` },
              properties: { tags: ['security', 'cookies'], references: [...r.references] },
            })),
          },
        },
        results: results.flatMap(({ url, findings }) =>
          findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: ruleIndex.get(f.rule) ?? 0,
            level: sarifLevel(f.severity),
            message: { text: `${f.message} Fix: ${f.fix}` },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: url } },
                logicalLocations: [{ name: f.cookie, kind: 'cookie' }],
              },
            ],
            partialFingerprints: { cookieRule: `${url}|${f.cookie}|${f.rule}` },
            properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity], cookie: f.cookie, fix: f.fix },
          })),
        ),
      },
    ],
  };
}
