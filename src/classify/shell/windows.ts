import type { Finding } from './findings.js';

/**
 * Windows command lines (cmd.exe and PowerShell), read from their text: mvdan-sh parses them as POSIX
 * words and takes `C:\Windows` apart at its backslashes. Each statement (split at `;`, `&`, `|` and
 * line ends) is matched against the commands attackers use and agents should not run unreviewed.
 */

/** Only text with a mark of Windows is read: a drive path, a cmdlet, `%VAR%`, `$env:` or a known tool. */
const WINDOWS_MARK =
  /[A-Za-z]:\\|\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b|%[A-Za-z_]+%|\$env:|\b(?:powershell|pwsh|cmd(?:\.exe)?|certutil|bitsadmin|bcdedit|wevtutil|schtasks|reg|rd|rmdir|del|erase|format|diskpart|mimikatz|procdump(?:64)?|lsass|iex|iwr|irm|mshta|regsvr32|rundll32|msiexec|wmic)\b/i;

/** A target a recursive delete must not reach: a drive root, the system, every user's or the current profile. */
const WIDE_TARGET = /^(?:["']?(?:[A-Za-z]:\\?\*?(?:\.\*)?|[A-Za-z]:\\(?:Windows|Users|Program Files(?: \(x86\))?|ProgramData)(?:\\[^\\]*)?|%(?:SystemRoot|SystemDrive|windir|USERPROFILE|ProgramFiles|ProgramData)%\\?\*?|\$env:(?:SystemRoot|SystemDrive|windir|USERPROFILE|ProgramFiles|ProgramData)\\?\*?|~\\?\*?)["']?)$/i;

interface Rule {
  id: Finding['id'];
  severity: Finding['severity'];
  label: string;
  re: RegExp;
}

const RULES: Rule[] = [
  // Deleting for good. (`shutdown /s`, `vssadmin delete shadows`, `reg delete` are the POSIX rules' already: a
  // shutdown command, a CLI's delete verb.)
  { id: 'destructive_operation', severity: 'critical', label: 'format a drive', re: /^\s*format(?:\.com)?\s+[A-Za-z]:/i },
  { id: 'destructive_operation', severity: 'critical', label: 'diskpart clean', re: /\bdiskpart\b[\s\S]{0,500}?\bclean\b/i },
  { id: 'destructive_operation', severity: 'high', label: 'recursive delete piped from a listing', re: /\b(?:Get-ChildItem|gci|ls|dir)\b[^|\n]{0,300}?-Recurse[^|\n]{0,300}?\|\s*(?:Remove-Item|ri|rm|del)\b/i },
  { id: 'destructive_operation', severity: 'high', label: 'boot recovery switched off', re: /\bbcdedit\b.{0,300}?\b(?:recoveryenabled\s+no|bootstatuspolicy\s+ignoreallfailures)\b/i },
  { id: 'destructive_operation', severity: 'high', label: 'event logs cleared', re: /\b(?:Clear-EventLog|wevtutil(?:\.exe)?\s+(?:cl|clear-log))\b/i },
  { id: 'destructive_operation', severity: 'high', label: 'forced shutdown', re: /\b(?:Stop|Restart)-Computer\b.{0,300}?-Force/i },
  // Running what was fetched or hidden.
  { id: 'command_injection', severity: 'critical', label: 'download and execute', re: /\b(?:IEX|Invoke-Expression)\b.{0,200}?\b(?:DownloadString|DownloadData|Net\.WebClient|iwr|Invoke-WebRequest|irm|Invoke-RestMethod|Start-BitsTransfer)\b|\b(?:DownloadString|iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b.{0,200}?\|\s*(?:IEX|Invoke-Expression)\b/i },
  { id: 'command_injection', severity: 'high', label: 'download with a system tool', re: /\b(?:certutil(?:\.exe)?\b.{0,300}?-urlcache|bitsadmin(?:\.exe)?\b.{0,300}?\/transfer)\b/i },
  // System binaries that fetch and run a script or package given by URL (LOLBAS): `mshta http://…/x.hta`,
  // `regsvr32 /s /n /u /i:http://…/x.sct scrobj.dll` ("Squiblydoo"), `rundll32 javascript:…`, `msiexec /q /i http://…/x.msi`,
  // `wmic os get /format:"http://…/x.xsl"`, `wmic process call create`.
  {
    id: 'command_injection',
    severity: 'critical',
    label: 'system binary runs remote or inline script',
    re: /\b(?:mshta(?:\.exe)?\s+["']?(?:https?|ftp|javascript|vbscript):|regsvr32(?:\.exe)?\b[^\n|&;]{0,300}?[/-]i:["']?(?:https?|ftp):|rundll32(?:\.exe)?\b[^\n]{0,300}?\b(?:javascript|vbscript):|msiexec(?:\.exe)?\b[^\n|&;]{0,300}?["'\s](?:https?|ftp):\/\/|wmic(?:\.exe)?\b[^\n|&;]{0,300}?\/format:["']?(?:https?|ftp):)/i,
  },
  { id: 'command_injection', severity: 'high', label: 'wmic starts a process', re: /\bwmic(?:\.exe)?\b[^\n|&;]{0,300}?\bprocess\s+call\s+create\b/i },
  // Defences and credentials.
  { id: 'command_injection', severity: 'high', label: 'Defender switched off', re: /\b(?:Set-MpPreference\b.{0,300}?-Disable\w+\s+(?:\$true|1)|Add-MpPreference\b.{0,300}?-Exclusion\w+)/i },
  { id: 'command_injection', severity: 'critical', label: 'credential dumping', re: /\b(?:mimikatz|sekurlsa::|lsadump::|procdump(?:64)?(?:\.exe)?\b.{0,300}?\blsass|reg(?:\.exe)?\s+save\s+HKLM\\(?:SAM|SECURITY|SYSTEM)\b|comsvcs(?:\.dll)?[, ]+MiniDump)/i },
];

/** `Remove-Item`/`del`/`rd` with recursion (`-Recurse`, `/s`) of a wide target. */
const RECURSIVE_DELETE = /^\s*(?:Remove-Item|ri|rm|del|erase|rd|rmdir)\b(?=[^|]*(?:-Recurse|-r\b|\/s\b))([^|]*)$/i;

/** A PowerShell encoded command: base64 of UTF-16LE text. */
const ENCODED = /\b(?:powershell|pwsh)(?:\.exe)?\b.{0,300}?\s-(?:e|ec|enc|encodedcommand)\s+([A-Za-z0-9+/=]{8,})/i;

/** windowsFindings reads a command line as cmd.exe or PowerShell would (see the module comment). */
export function windowsFindings(text: string, depth = 0): Finding[] {
  if (depth > 2 || !WINDOWS_MARK.test(text)) return [];
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (id: Finding['id'], severity: Finding['severity'], label: string, start: number, end: number): void => {
    if (seen.has(`${id}\u0000${label}`)) return;
    seen.add(`${id}\u0000${label}`);
    out.push({ id, severity, label, text, start, end });
  };
  for (const r of RULES) {
    const m = r.re.exec(text);
    if (m) add(r.id, r.severity, r.label, m.index, m.index + m[0].length);
  }
  // Statement by statement: a delete's target is its last word before the next separator.
  const statement = /[^;&|\n]+/g;
  for (let m = statement.exec(text); m !== null; m = statement.exec(text)) {
    const del = RECURSIVE_DELETE.exec(m[0]);
    if (!del) continue;
    const targets = del[1]!.split(/\s+/).filter((w) => w && !w.startsWith('-') && !w.startsWith('/'));
    const wide = targets.find((t) => WIDE_TARGET.test(t));
    const absolute = wide ?? targets.find((t) => /^["']?(?:[A-Za-z]:\\|\\\\|%\w+%|\$env:)/.test(t));
    if (absolute) add('destructive_operation', wide ? 'critical' : 'high', `recursive delete of ${absolute.replace(/["']/g, '')}`, m.index, m.index + m[0].length);
  }
  const encoded = ENCODED.exec(text);
  if (encoded) {
    const decoded = decodeUtf16Base64(encoded[1]!);
    if (decoded) {
      add('command_injection', 'high', 'encoded PowerShell command', encoded.index, encoded.index + encoded[0].length);
      out.push(...windowsFindings(decoded, depth + 1));
    }
  }
  // A scheduled task runs its /tr command later, unattended: read that command too.
  const task = /\bschtasks\b/i.test(text) && /\/create\b/i.test(text) ? /\/tr\s+(?:"([^"]{1,2000})"|'([^']{1,2000})'|(\S+))/i.exec(text) : null;
  if (task) out.push(...windowsFindings(task[1] ?? task[2] ?? task[3] ?? '', depth + 1));
  return out;
}

function decodeUtf16Base64(b64: string): string | undefined {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < 2 || bytes.length % 2 !== 0) return undefined;
  const text = bytes.toString('utf16le');
  // Printable text, or it was not an encoded command.
  return /^[\t\n\r\x20-\x7e\u00a0-\uffff]+$/.test(text) ? text : undefined;
}
