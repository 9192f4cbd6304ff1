import { B, B_ALNUM, B_PATH, B_VAULT, E, hasDigit, rule, type ProviderRule } from './provider-rule.js';

/**
 * Google API keys published in Firebase SDK samples and docs (gitleaks' allow-list): public by
 * design, not leaks.
 */
const PUBLIC_GOOGLE_KEYS = new Set([
  'AIzaSyabcdefghijklmnopqrstuvwxyz1234567', 'AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs', 'AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM',
  'AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU', 'AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0', 'AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A',
  'AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c', 'AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4', 'AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY',
  'AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM', 'AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ', 'AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g',
  'AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU', 'AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw', 'AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE',
  'AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY',
]);

/** The header parameters gitleaks' jwt-base64 rule accepts, base64-encoded after `{"` (`alg`, `kid`, `typ`…). */
const JWT_B64_HEADERS = [
  'aGJHY2lPaU', 'aGNIVWlPaU', 'aGNIWWlPaU', 'aGRXUWlPaU', 'aU5qUWlP', 'amNtbDBJanBi', 'amRIa2lPaU', 'bGNHc2lPbn', 'bGJtTWlPaU',
  'cWEzVWlPaU', 'cWQyc2lPb', 'cGMzTWlPaU', 'cGRpSTZJ', 'cmFXUWlP', 'clpYbGZiM0J6SWpwY', 'cmRIa2lPaUp', 'dWIyNWpaU0k2', 'd01tTWlP',
  'd01uTWlPaU', 'd2NIUWlPaU', 'emRXSWlPaU', 'emRuUWlP', 'MFlXY2lPaU', 'MGVYQWlPaUp', 'MWNtd2l', 'MWMyVWlPaUp', 'MlpYSWlPaU',
  'MlpYSnphVzl1SWpv', 'NElqb2', 'NE5XTWlP', 'NE5YUWlPaU', 'NE5YUWpVekkxTmlJNkl', 'NE5YVWlPaU', 'NmFYQWlPaU',
].join('|');

/**
 * INFRA_RULES: cloud, platform, source-hosting, CI and package-registry credentials, after gitleaks'
 * rules of the same names (and detect-secrets' plugins where they add formats).
 */
export const INFRA_RULES: readonly ProviderRule[] = [
  // Cloud providers
  rule('AWS access key ID', ['akia', 'asia', 'abia', 'acca', 'a3t'], `${B_ALNUM}((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])`, 'critical', {
    // No entropy floor: detect-secrets flags `AKIAZZZZ…`; masks (`AKIAXXXX…`) are dropped as fillers.
    accept: (s) => !s.endsWith('EXAMPLE'),
  }),
  rule('Google API key', ['aiza'], `${B}(AIza[\\w-]{35})${E}`, 'critical', { minEntropy: 4, accept: (s) => !PUBLIC_GOOGLE_KEYS.has(s) }),
  rule('Google OAuth client secret', ['gocspx-'], `${B}(GOCSPX-[\\w-]{28})${E}`),
  rule('Google OAuth access token', ['ya29.'], `${B}(ya29\\.[\\w-]{30,})${E}`, 'high', { minEntropy: 3.5 }),
  rule('Azure AD client secret', ['q~'], `(?:^|[\\\\'"\`\\s>=:(,)])([A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})(?=$|[\\\\'"\`\\s<),])`, 'critical', { minEntropy: 3 }),
  rule('Azure Data Factory integration runtime key', ['ir@'], `${B}(IR@[0-9a-zA-Z-]{36}@[^@\\s]{1,100}@[0-9a-zA-Z=-]*@[A-Za-z0-9+/=]{44})(?![A-Za-z0-9+/=])`, 'critical', { fullText: true }),
  rule('Alibaba access key ID', ['ltai'], `${B}(LTAI[A-Za-z0-9]{20})${E}`, 'critical', { minEntropy: 2 }),
  rule('IBM/Azure storage account key', ['accountkey='], `AccountKey=([A-Za-z0-9+/]{86}==)`),
  rule('Amazon Bedrock API key', ['absk'], `${B}(ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{109,269}={0,2})(?![A-Za-z0-9+/=])`),
  // detect-secrets: short-term keys carry the base64 of `bedrock.amazonaws.com`.
  rule('Amazon Bedrock API key', ['bedrock-api-key-'], `(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=]*)`),
  rule('SoftLayer API key', ['softlayer.com/soap/'], `api\\.softlayer\\.com/soap/v3(?:\\.1)?/([a-z0-9]{64})${E}`),
  rule('DigitalOcean token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], `${B}(do[op]_v1_[a-f0-9]{64}|dor_v1_[a-fA-F0-9]{64})${E}`, 'critical', { minEntropy: 3 }),
  rule('Heroku API key', ['hrku-aa'], `${B}(HRKU-AA[\\w-]{58})${E}`, 'critical', { minEntropy: 4 }),
  rule('Cloudflare origin CA key', ['v1.0-'], `${B}(v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})${E}`, 'critical', { minEntropy: 2 }),
  rule('HashiCorp Terraform token', ['atlasv1'], `${B}([A-Za-z0-9]{14}\\.atlasv1\\.[\\w=-]{60,70})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Vault token', ['hvs.'], `${B}(hvs\\.[\\w-]{90,120})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Vault token', ['hvb.'], `${B}(hvb\\.[\\w-]{138,300})${E}`, 'critical', { minEntropy: 4 }),
  // gitleaks' allow-list drops `s.` + 24 letters (`s.AcceptanceTimeoutSeconds`): a token has digits.
  rule('Vault token', [], `${B_VAULT}(s\\.[A-Za-z0-9]{24})${E}`, 'critical', { minEntropy: 3.5, accept: hasDigit }),
  // detect-secrets' Vault plugin: `hv[brs].` or a bare `[brs].` and 24+ token characters (with a digit).
  rule('Vault token', ['hvs.', 'hvb.', 'hvr.'], `(hv[brs]\\.[\\w-]{24,})${E}`, 'critical', { minEntropy: 3.5, accept: hasDigit }),
  rule('Vault token', [], `${B_VAULT}([brs]\\.[\\w-]{24,})${E}`, 'critical', { minEntropy: 3.5, accept: hasDigit }),
  rule('Doppler token', ['dp.pt.', 'dp.st.', 'dp.ct.'], `${B}(dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44})${E}`, 'critical', { minEntropy: 2 }),
  rule('Scalingo token', ['tk-us-'], `${B}(tk-us-[\\w-]{48})${E}`, 'critical', { minEntropy: 2 }),
  rule('PlanetScale token', ['pscale_'], `${B}(pscale_(?:tkn|oauth|pw)_[\\w=.-]{32,64})${E}`, 'critical', { minEntropy: 3 }),
  rule('Databricks token', ['dapi'], `${B}(dapi[a-f0-9]{32}(?:-\\d)?)${E}`, 'critical', { minEntropy: 3 }),
  rule('Dynatrace token', ['dt0c01.'], `${B}(dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64})${E}`, 'critical', { minEntropy: 4 }),
  rule('Fly.io token', ['fo1_', 'fm1', 'fm2_'], `${B}(fo1_[\\w-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3})(?![A-Za-z0-9+/=])`, 'critical', { minEntropy: 4 }),
  rule('Harness token', ['pat.', 'sat.'], `${B}((?:pat|sat)\\.[\\w-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20})${E}`),
  rule('Pulumi token', ['pul-'], `${B}(pul-[a-f0-9]{40})${E}`, 'critical', { minEntropy: 2 }),
  rule('Prefect token', ['pnu_'], `${B}(pnu_[A-Za-z0-9]{36})${E}`, 'critical', { minEntropy: 2 }),
  rule('Age secret key', ['age-secret-key-1'], `(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})`),
  rule('1Password secret key', ['a3-'], `${B}(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})${E}`, 'critical', { minEntropy: 3.8 }),
  rule('1Password service account token', ['ops_eyj'], `(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})`, 'critical', { minEntropy: 4 }),
  rule('Authress service client key', ['sc_', 'ext_', 'scauth_', 'authress_'],
    `${B}((?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\\.[A-Za-z0-9]{4,6}\\.acc[_-][A-Za-z0-9-]{10,32}\\.[A-Za-z0-9+/_=-]{30,120})(?![A-Za-z0-9+/_=-])`, 'critical', { minEntropy: 2 }),
  rule('Tailscale key', ['tskey-'], `${B}(tskey-(?:api|auth|client|scim|webhook)-[0-9A-Za-z_]+-[0-9A-Za-z_]+)(?![\\w-])`),
  rule('Cast AI API key', ['castai_v1_'], `${B}(castai_v1_[A-Za-z0-9]{64}_[A-Za-z0-9]{8})${E}`, 'critical', { minEntropy: 2 }),
  rule('Chief Tools token', ['ctp_', 'cto_', 'ctr_'], `${B}(ct[por]_[A-Za-z0-9]{30,248})${E}`),
  rule('Ansible Vault', ['ansible_vault;'], `(ANSIBLE_VAULT;[0-9]\\.[0-9];AES256;?(?:\\r?\\n|\\\\n)[ \\t]*[0-9a-fA-F]{32,})`, 'high', { fullText: true }),
  rule('Supabase personal access token', ['sbp_'], `${B}(sbp_[a-f0-9]{40})${E}`, 'critical', { minEntropy: 3.5 }),

  rule('JSON Web Token (base64)', ['zxlk'], `${B}(ZXlK(?:${JWT_B64_HEADERS})[A-Za-z0-9/\\\\_+-]{40,}={0,2})(?![A-Za-z0-9+/=])`, 'high', { minEntropy: 2 }),
  // Header and payload are read as atomic runs (a lookahead's capture, then its backreference) of bounded
  // length: with `{17,}` and backtracking, a long base64 blob with "ey" every few characters and no dot
  // (an upload, `file_b64`) was quadratic — 330 KB: 6 s.
  rule('JSON Web Token', [], `${B}(ey(?=([A-Za-z0-9]{17,1024}))\\2\\.ey(?=([A-Za-z0-9/\\\\_-]{17,16384}))\\3\\.(?:[A-Za-z0-9/\\\\_-]{10,}={0,2})?)(?![\\w-])`, 'high', { minEntropy: 3 }),

  // Source hosting and CI
  rule('GitHub token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], `${B}(gh[pousr]_[A-Za-z0-9]{36,251})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitHub token', ['github_pat_'], `${B}(github_pat_\\w{82})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glpat-', 'glrt-'], `${B}(gl(?:pat|rt)-[\\w-]{27,300}\\.[0-9a-z]{2}[0-9a-z]{7})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('GitLab token', ['glpat-', 'glrt-', 'gldt-', 'glft-', 'glsoat-', 'glffct-'], `${B}(gl(?:pat|rt|dt|ft|soat|ffct)-[\\w-]{20})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glimt-'], `${B}(glimt-[\\w-]{25})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glptt-'], `${B}(glptt-[\\w-]{40})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glagent-'], `${B}(glagent-[\\w-]{50})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['gloas-'], `${B}(gloas-[\\w-]{64})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glcbt-'], `${B}(glcbt-[A-Za-z0-9]{1,5}_[\\w-]{20})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab runner registration token', ['gr1348941'], `${B}(GR1348941[\\w-]{20,50})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab session cookie', ['_gitlab_session='], `_gitlab_session=([0-9a-z]{32})${E}`, 'critical', { minEntropy: 3 }),
  rule('Atlassian API token', ['atatt3'], `${B}(ATATT3[\\w=-]{186})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('npm token', ['npm_'], `${B}(npm_[A-Za-z0-9]{36})${E}`, 'critical', { minEntropy: 2 }),
  // Docker Hub personal and organisation access tokens: `dckr_pat_` / `dckr_oat_` and 27 or more URL-safe characters.
  rule('Docker Hub access token', ['dckr_pat_', 'dckr_oat_'], `${B}(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,64})${E}`, 'critical', { minEntropy: 3 }),
  rule('PyPI token', ['pypi-ageichlwas5vcmc', 'pypi-agendgvzdc5wexbplm9yzw'], `${B}(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[\\w-]{50,1000})${E}`, 'critical', { minEntropy: 3 }),
  rule('RubyGems token', ['rubygems_'], `${B}(rubygems_[a-f0-9]{48})${E}`, 'critical', { minEntropy: 2 }),
  rule('Clojars token', ['clojars_'], `${B}((?:CLOJARS|clojars)_[A-Za-z0-9]{60})${E}`, 'critical', { minEntropy: 2 }),
  rule('JFrog Artifactory key', ['akcp'], `${B}(AKCp[A-Za-z0-9]{69})${E}`, 'critical', { minEntropy: 4.5 }),
  rule('JFrog reference token', ['cmvmd'], `${B}(cmVmd[A-Za-z0-9]{59})${E}`, 'critical', { minEntropy: 4.5 }),
  rule('Sourcegraph token', ['sgp_'], `${B}(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40})${E}`, 'critical', { minEntropy: 3 }),
  rule('OpenShift token', ['sha256~'], `${B}(sha256~[\\w-]{43})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Octopus Deploy key', ['api-'], `${B}(API-[A-Z0-9]{26})${E}`, 'critical', { minEntropy: 3 }),
  rule('Postman token', ['pmak-'], `${B}(PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34})${E}`, 'critical', { minEntropy: 3 }),
  rule('ReadMe token', ['rdme_'], `${B}(rdme_[a-z0-9]{70})${E}`, 'critical', { minEntropy: 2 }),
  rule('Infracost token', ['ico-'], `${B_PATH}(ico-[A-Za-z0-9]{32})${E}`, 'critical', { minEntropy: 3 }),
  rule('Intra42 client secret', ['s-s4t2'], `${B}(s-s4t2(?:ud|af)-[a-fA-F0-9]{64})${E}`, 'critical', { minEntropy: 3 }),
  rule('Settlemint token', ['sm_aat_', 'sm_pat_', 'sm_sat_'], `${B}(sm_[aps]at_[A-Za-z0-9]{12,})${E}`, 'critical', { minEntropy: 3 }),
  rule('ClickHouse Cloud key', ['4b1d'], `${B}(4b1d[A-Za-z0-9]{38})${E}`, 'critical', { minEntropy: 3 }),
  rule('NuGet config password', ['<add key='], `<add key="(?:ClearText)?Password"\\s*value="([^"]{8,})"\\s*/>`, 'high', {
    fullText: true, ignoreCase: true, accept: (s) => !/^%\S.*%$/.test(s),
  }),
  // detect-secrets' npm plugin: a registry-scoped `_authToken` holding an `npm_` token or a UUID.
  rule('npm token', ['_authtoken='], `//[^\\s/]+(?:/[^\\s:]*)?/:_authToken=[ \\t]*(npm_\\S+|[A-Fa-f0-9-]{36})`, 'critical', { allowFiller: true, fullText: true }),
  // detect-secrets' Artifactory plugin: `AKC…`/`AP[0-9A-F]…` after a blank, `=`, `:` or `"`, placeholder `x`s included.
  rule('Artifactory token', [], `(AKC[a-zA-Z0-9]{10,}|AP[\\dA-F][a-zA-Z0-9]{8,})`, 'medium', {
    notAfter: /[^\s=:"]/, allowFiller: true, fullText: true,
    // `AKCp…` is the prefix of JFrog keys proper (above): a value that fails that rule is not one.
    accept: (s) => !s.startsWith('AKCp'),
  }),
];
