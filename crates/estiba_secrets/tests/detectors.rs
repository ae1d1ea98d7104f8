//! Validates each detector on format-valid fake secrets (built at run time) and on the
//! look-alikes it must leave alone.

mod common;

use common::{DIGITS, HEX, LOWER, UPPER, alnum, assert_clean, assert_one, b64, fake, found};
use estiba_secrets::Confidence::{High, Low, Medium};
use estiba_secrets::{KINDS, scan_file, scan_text};

fn b32() -> String {
    format!("{UPPER}234567")
}

fn b64url() -> String {
    format!("{}-_", alnum())
}

// ---- AWS ----

#[test]
fn aws_access_key_id() {
    let id = format!("AKIA{}", fake(&b32(), 16, 1));
    assert_one(
        &format!("aws_access_key_id = {id}"),
        "aws-access-key-id",
        &id,
        High,
    );
    let temp = format!("ASIA{}", fake(&b32(), 16, 2));
    assert_one(
        &format!("export AWS_ACCESS_KEY_ID={temp}"),
        "aws-access-key-id",
        &temp,
        High,
    );
}

#[test]
fn aws_access_key_id_look_alikes() {
    // Embedded in a longer identifier, one character short, one too long.
    assert_clean(&format!("XAKIA{}", fake(&b32(), 16, 1)));
    assert_clean(&format!("id AKIA{}", fake(&b32(), 15, 1)));
    assert_clean(&format!("id AKIA{}", fake(&b32(), 17, 1)));
    // The documentation's example key is a placeholder.
    let example = format!("AKIA{}{}", "IOSFODNN7", "EXAMPLE");
    assert_one(
        &format!("key {example}"),
        "aws-access-key-id",
        &example,
        Low,
    );
}

#[test]
fn aws_secret_access_key_by_context() {
    let secret = format!(
        "{}/{}+{}",
        fake(&alnum(), 20, 3),
        fake(&alnum(), 10, 4),
        fake(&alnum(), 8, 5)
    );
    assert_eq!(secret.len(), 40);
    assert_one(
        &format!("aws_secret_access_key = {secret}\n"),
        "aws-secret-access-key",
        &secret,
        High,
    );
    assert_one(
        &format!("\"SecretAccessKey\": \"{secret}\""),
        "aws-secret-access-key",
        &secret,
        High,
    );
    let id = format!("AKIA{}", fake(&b32(), 16, 6));
    let got = found(&format!("{id},{secret}\n"));
    assert_eq!(
        got,
        vec![
            ("aws-access-key-id", High, id),
            ("aws-secret-access-key", High, secret)
        ]
    );
}

#[test]
fn aws_secret_access_key_look_alikes() {
    // A SHA-1 is 40 characters of base64's alphabet but single-case.
    let sha1 = fake(HEX, 40, 7);
    assert_clean(&format!("aws_secret_access_key = {sha1}\n"));
    // Without AWS context a 40-character string is nothing.
    let secret = fake(&alnum(), 40, 8);
    assert_clean(&format!("value {secret}"));
}

// ---- Forges ----

#[test]
fn github_tokens() {
    for (i, prefix) in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].iter().enumerate() {
        let t = format!("{prefix}{}", fake(&alnum(), 36, 10 + i as u64));
        assert_one(&format!("token: {t}"), "github-token", &t, High);
    }
    let pat = format!(
        "github_pat_{}_{}",
        fake(&alnum(), 22, 20),
        fake(&alnum(), 59, 21)
    );
    assert_one(&format!("GH={pat}"), "github-token", &pat, High);
}

#[test]
fn github_token_look_alikes() {
    assert_clean(&format!("ghp_{}", fake(&alnum(), 35, 1)));
    assert_clean(&format!("xghp_{}", fake(&alnum(), 36, 1)));
    // Documentation placeholders are reported, at low confidence.
    let placeholder = format!("ghp_{}", "x".repeat(36));
    assert_one(&placeholder, "github-token", &placeholder, Low);
}

#[test]
fn gitlab_tokens() {
    let pat = format!("glpat-{}", fake(&b64url(), 20, 30));
    assert_one(&format!("PRIVATE_TOKEN={pat}"), "gitlab-token", &pat, High);
    let deploy = format!("gldt-{}", fake(&alnum(), 20, 31));
    assert_one(&deploy, "gitlab-token", &deploy, High);
    let runner = format!("glrt-{}", fake(&alnum(), 20, 32));
    assert_one(
        &format!("--token {runner}"),
        "gitlab-runner-token",
        &runner,
        High,
    );
    let registration = format!("GR1348941{}", fake(&alnum(), 20, 33));
    assert_one(
        &format!("--registration-token {registration}"),
        "gitlab-runner-token",
        &registration,
        High,
    );
    assert_clean("glpat-short");
}

// ---- Chat and SaaS ----

#[test]
fn slack_tokens_and_webhooks() {
    let bot = format!(
        "xoxb-{}-{}-{}",
        fake(DIGITS, 12, 40),
        fake(DIGITS, 13, 41),
        fake(&alnum(), 24, 42)
    );
    assert_one(&format!("SLACK={bot}"), "slack-token", &bot, High);
    let app = format!(
        "xapp-1-{}-{}-{}",
        fake(UPPER, 11, 43),
        fake(DIGITS, 13, 44),
        fake(HEX, 64, 45)
    );
    assert_one(&app, "slack-token", &app, High);
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        fake(UPPER, 8, 46),
        fake(UPPER, 10, 47),
        fake(&alnum(), 24, 48)
    );
    let got = found(&format!("curl -X POST {hook}"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "slack-webhook");
    assert!(hook.ends_with(&got[0].2));
    assert_clean("xoxb-not-a-token");
    assert_clean("see https://hooks.slack.com/services/ for details");
}

#[test]
fn stripe_keys() {
    let live = format!("sk_live_{}", fake(&alnum(), 24, 50));
    assert_one(&live, "stripe-secret-key", &live, High);
    let restricted = format!("rk_live_{}", fake(&alnum(), 24, 51));
    assert_one(&restricted, "stripe-secret-key", &restricted, High);
    let test = format!("sk_test_{}", fake(&alnum(), 24, 52));
    assert_one(&test, "stripe-test-key", &test, Low);
    // Publishable keys are public by design.
    assert_clean(&format!("pk_live_{}", fake(&alnum(), 24, 53)));
}

#[test]
fn google_api_key_and_service_account() {
    let key = format!("AIza{}", fake(&b64url(), 35, 60));
    assert_one(&format!("maps key={key}"), "google-api-key", &key, High);
    assert_clean(&format!("AIza{}", fake(&b64url(), 30, 60)));

    let body = fake(&format!("{UPPER}{LOWER}{DIGITS}+/"), 64, 61);
    let block = format!(
        "-----BEGIN {p}-----\\n{body}\\n{body}\\n-----END {p}-----\\n",
        p = "PRIVATE KEY"
    );
    let json = format!(
        "{{\n  \"type\": \"service_account\",\n  \"private_key\": \"{block}\",\n  \"client_email\": \"x@y\"\n}}"
    );
    let got = found(&json);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0, got[0].1), ("gcp-service-account-key", High));
    assert!(got[0].2.starts_with("-----BEGIN"));
}

#[test]
fn package_registry_tokens() {
    let npm = format!("npm_{}", fake(&alnum(), 36, 70));
    assert_one(&npm, "npm-token", &npm, High);
    let pypi = format!("pypi-{}{}", "AgEIcHlwaS5vcmc", fake(&b64url(), 70, 71));
    assert_one(&format!("password = {pypi}"), "pypi-token", &pypi, High);
    let hub = format!("dckr_pat_{}", fake(&b64url(), 27, 72));
    assert_one(&hub, "dockerhub-token", &hub, High);
    assert_clean("NPM_TOKEN is read from the environment");
}

#[test]
fn npmrc_auth_token() {
    let t = fake(&alnum(), 36, 73);
    assert_one(
        &format!("//registry.example.com/:_authToken={t}"),
        "npmrc-auth",
        &t,
        High,
    );
    assert_clean("//registry.npmjs.org/:_authToken=${NPM_TOKEN}");
}

#[test]
fn ai_vendor_keys() {
    let proj = format!("sk-proj-{}", fake(&b64url(), 100, 80));
    assert_one(&proj, "openai-api-key", &proj, High);
    let legacy = format!(
        "sk-{}{}{}",
        fake(&alnum(), 20, 81),
        "T3BlbkFJ",
        fake(&alnum(), 20, 82)
    );
    assert_one(&legacy, "openai-api-key", &legacy, High);
    let ant = format!("sk-ant-api03-{}", fake(&b64url(), 93, 83));
    assert_one(&ant, "anthropic-api-key", &ant, High);
    let hf = format!("hf_{}", fake(&format!("{UPPER}{LOWER}"), 34, 84));
    assert_one(&hf, "huggingface-token", &hf, High);
    assert_clean("sk-short");
}

#[test]
fn sendgrid_twilio_mailgun() {
    let sg = format!("SG.{}.{}", fake(&b64url(), 22, 90), fake(&b64url(), 43, 91));
    assert_one(&sg, "sendgrid-api-key", &sg, High);
    let tw = format!("SK{}", fake(HEX, 32, 92));
    assert_one(
        &format!("twilio api create --key {tw}"),
        "twilio-api-key",
        &tw,
        Medium,
    );
    // Without Twilio context, SK + 32 hex is an ordinary hex string.
    assert_clean(&format!("echo {tw}"));
    let mg = format!("key-{}", fake(HEX, 32, 93));
    assert_one(&mg, "mailgun-api-key", &mg, Medium);
}

#[test]
fn cloud_and_platform_tokens() {
    let account_key = format!("{}==", fake(&format!("{UPPER}{LOWER}{DIGITS}+/"), 86, 100));
    let conn = format!(
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={account_key};EndpointSuffix=core.windows.net"
    );
    assert_one(&conn, "azure-storage-key", &account_key, High);
    let sas = format!("{}=", fake(&alnum(), 43, 101));
    assert_one(
        &format!("Endpoint=sb://ns.example.net/;SharedAccessKeyName=root;SharedAccessKey={sas}"),
        "azure-shared-access-key",
        &sas,
        High,
    );
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        fake(HEX, 8, 102),
        fake(HEX, 4, 103),
        fake(HEX, 4, 104),
        fake(HEX, 4, 105),
        fake(HEX, 12, 106)
    );
    assert_one(
        &format!("heroku config --api-key {uuid}"),
        "heroku-api-key",
        &uuid,
        Medium,
    );
    let hrku = format!("HRKU-{}", fake(&b64url(), 60, 107));
    assert_one(&hrku, "heroku-api-key", &hrku, High);
    let shop = format!("shpat_{}", fake(HEX, 32, 108));
    assert_one(&shop, "shopify-token", &shop, High);
    let vault = format!("hvs.{}", fake(&b64url(), 90, 109));
    assert_one(&format!("VAULT_TOKEN={vault}"), "vault-token", &vault, High);
    let dbx = format!("dapi{}", fake(HEX, 32, 110));
    assert_one(&dbx, "databricks-token", &dbx, High);
}

// ---- Keys and tokens with structure ----

fn pem(label: &str, body_lines: usize, seed: u64) -> String {
    let alphabet = format!("{UPPER}{LOWER}{DIGITS}+/");
    let body: Vec<String> = (0..body_lines)
        .map(|i| fake(&alphabet, 64, seed + i as u64))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

#[test]
fn private_key_blocks() {
    for (i, kind) in ["", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED "]
        .iter()
        .enumerate()
    {
        let block = pem(&format!("{kind}{}", "PRIVATE KEY"), 4, 200 + i as u64 * 10);
        let got = found(&format!("key:\n{block}"));
        assert_eq!(got.len(), 1, "{kind}: {got:?}");
        assert_eq!((got[0].0, got[0].1), ("private-key", High), "{kind}");
        assert_eq!(got[0].2, block.trim_end(), "{kind}");
    }
    let pgp = pem(&format!("PGP {} BLOCK", "PRIVATE KEY"), 4, 300);
    assert_eq!(found(&pgp)[0].0, "private-key");
}

#[test]
fn private_key_look_alikes() {
    assert_clean(&pem("CERTIFICATE", 4, 1));
    assert_clean(&pem("PUBLIC KEY", 4, 1));
    assert_clean(&pem(&format!("PGP {} BLOCK", "PUBLIC KEY"), 4, 1));
    // An elided example has no body: reported for review only.
    let elided = format!(
        "-----BEGIN RSA {p}-----\n...\n-----END RSA {p}-----",
        p = "PRIVATE KEY"
    );
    assert_eq!(
        found(&elided).iter().map(|g| g.1).collect::<Vec<_>>(),
        vec![Low]
    );
    // A truncated copy with a body still leaks the key.
    let truncated = pem(&format!("RSA {}", "PRIVATE KEY"), 3, 400);
    let cut = &truncated[..truncated.find("-----END").unwrap()];
    assert_eq!(
        found(cut).iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
        vec![("private-key", Medium)]
    );
}

#[test]
fn jwt() {
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#, true);
    let payload = b64(
        br#"{"sub":"1234567890","name":"svc","iat":1516239022}"#,
        true,
    );
    let jwt = format!("{header}.{payload}.{}", fake(&b64url(), 43, 500));
    assert_one(&format!("Authorization: Bearer {jwt}"), "jwt", &jwt, Medium);
    // Not JSON in the header, or no signature.
    assert_clean(&format!(
        "eyJ{}.{}.{}",
        fake(&alnum(), 20, 1),
        fake(&alnum(), 20, 2),
        fake(&alnum(), 20, 3)
    ));
    assert_clean(&format!("{header}.{payload}."));
}

#[test]
fn url_credentials() {
    let pw = fake(&alnum(), 20, 600);
    assert_one(
        &format!("DATABASE_URL=postgres://app:{pw}@db:5432/app"),
        "url-credentials",
        &pw,
        High,
    );
    assert_one(
        &format!("git clone https://bot:{pw}@git.example.com/r.git"),
        "url-credentials",
        &pw,
        High,
    );
    assert_one(
        &format!("redis://:{pw}@cache:6379/0"),
        "url-credentials",
        &pw,
        High,
    );
    // A password containing `@` is cut at the last `@` before the host.
    let at = format!("{}@{}", fake(&alnum(), 8, 601), fake(&alnum(), 8, 602));
    assert_one(
        &format!("amqp://u:{at}@mq/"),
        "url-credentials",
        &at,
        Medium,
    );
    assert_one(
        "postgres://postgres:postgres@db/app",
        "weak-default-credential",
        "postgres",
        Medium,
    );
}

#[test]
fn url_credentials_look_alikes() {
    for text in [
        "https://oauth2:${CI_JOB_TOKEN}@gitlab.example.com/g/p.git",
        "https://user:$TOKEN@github.com/o/r",
        "https://x:$(cat /run/secrets/token)@github.com/o/r",
        "https://user:*****@host/",
        "https://user:@host/",
        "ssh://git@github.com/o/r.git",
        "https://example.com:8443/path",
        "docker://alpine:3.19@sha256:0000",
        "http://[::1]:8080/",
        "https://user@host:22/x",
    ] {
        assert_clean(text);
    }
}

#[test]
fn docker_config_auth() {
    let pw = fake(&alnum(), 24, 700);
    let auth = b64(format!("robot:{pw}").as_bytes(), false);
    let json = format!("{{\"auths\": {{\"registry.example.com\": {{\"auth\": \"{auth}\"}}}}}}");
    assert_one(&json, "docker-config-auth", &auth, High);
    // Not user:password once decoded.
    let other = b64(b"just-a-value-without-colon", false);
    assert_clean(&format!("{{\"auth\": \"{other}\"}}"));
}

#[test]
fn http_auth_headers() {
    let t = fake(&alnum(), 32, 800);
    assert_one(
        &format!("curl -H \"Authorization: Bearer {t}\" https://api"),
        "http-auth-header",
        &t,
        High,
    );
    let basic = b64(format!("ci:{t}").as_bytes(), false);
    assert_one(
        &format!("curl -H 'Authorization: Basic {basic}' https://api"),
        "http-auth-header",
        &basic,
        High,
    );
    let pat = format!("glpat-{}", fake(&b64url(), 20, 801));
    assert_one(
        &format!("curl --header \"PRIVATE-TOKEN: {pat}\" https://gitlab"),
        "gitlab-token",
        &pat,
        High,
    );
    assert_clean("curl -H \"Authorization: token $GITHUB_TOKEN\" https://api.github.com");
    assert_clean("curl -H \"Authorization: Bearer ${TOKEN}\" https://api");
}

// ---- Command lines ----

#[test]
fn command_line_passwords() {
    let pw = fake(&alnum(), 16, 900);
    let cases = [
        format!("mysql -uroot -p{pw} -e 'select 1'"),
        format!("mysqldump -u root -p'{pw}' db > dump.sql"),
        format!("mariadb -p{pw}"),
        format!("cd /tmp && /usr/bin/mysql -p{pw} db"),
        format!("docker exec -it db mysql -uroot -p{pw}"),
        format!("sh -c \"sudo mysqladmin -p{pw} ping\""),
        format!("RUN MYSQL_HOST=db mysql -p{pw}"),
        format!("curl -u admin:{pw} https://nexus/upload"),
        format!("curl --user=admin:{pw} https://nexus/upload"),
        format!("curl -uadmin:{pw} https://nexus/upload"),
        format!("docker login -u bot -p {pw} registry.example.com"),
        format!("podman login -p={pw} quay.io").replace("-p=", "-p"),
        format!("helm registry login -p {pw} r.example.com"),
        format!("helm  registry   login -p {pw} r.example.com"),
        format!("sshpass -p {pw} ssh host"),
        format!("redis-cli -h cache -a {pw} ping"),
        format!("mongosh -u admin -p {pw} --authenticationDatabase admin"),
        format!("sqlcmd -S db -U sa -P {pw} -Q 'select 1'"),
        format!("htpasswd -bc /etc/nginx/.htpasswd admin {pw}"),
        format!("htpasswd -nb admin {pw}"),
        format!("wget --password={pw} https://x"),
        format!("app --db-password {pw} --port 80"),
        format!("openssl pkcs12 -export -passout pass:{pw} -out a.p12"),
        format!("java -Dspring.datasource.password={pw} -jar app.jar"),
    ];
    for text in &cases {
        assert_one(text, "cli-password", &pw, Medium);
    }
}

#[test]
fn command_line_look_alikes() {
    for text in [
        "mysql -uroot -p -e 'select 1'",
        "mysql -uroot -p\"$MYSQL_ROOT_PASSWORD\"",
        "mysql -uroot -p${MYSQL_ROOT_PASSWORD} db",
        "mysql -P 3306 -h db",
        "echo \"$TOKEN\" | docker login -u bot --password-stdin registry",
        "docker login -u bot registry.example.com",
        "curl -u \"$USER:$PASS\" https://x",
        "curl -u user: https://x",
        "curl -fsSL -o /tmp/x https://x",
        "adduser --disabled-password --gecos '' app",
        "useradd --no-password appuser",
        "ssh -p 2222 host",
        "openssl rsa -passin env:KEY_PASS -in key.pem",
        "openssl rsa -passin file:/run/secrets/pass -in key.pem",
        "tar -xpf archive.tar",
        "cp -p src dst",
        "redis-cli -a \"$REDIS_PASSWORD\" ping",
        // `mysql` as a path or a service name, not a client being run.
        "find /etc/mysql/ -name '*.cnf' -print0 | xargs -0 grep -lZE '^bind'",
        "find /etc/mysql -name '*.cnf' -print0",
        "service mysql start -p 1",
        "apt-get install -y mysql-client -q",
    ] {
        assert_clean(text);
    }
}

#[test]
fn name_value_pairs_in_command_lines() {
    let pw = fake(&alnum(), 24, 950);
    assert_one(
        &format!("PGPASSWORD={pw} psql -h db"),
        "secret-assignment",
        &pw,
        High,
    );
    assert_one(
        &format!("export API_TOKEN=\"{pw}\""),
        "secret-assignment",
        &pw,
        High,
    );
    assert_one(
        &format!("docker run -e MYSQL_ROOT_PASSWORD={pw} mysql"),
        "secret-assignment",
        &pw,
        High,
    );
    assert_one(
        "docker run -e MYSQL_ROOT_PASSWORD=root mysql",
        "weak-default-credential",
        "root",
        Medium,
    );
    assert_clean("docker run -e MYSQL_ROOT_PASSWORD=$MYSQL_ROOT_PASSWORD mysql");
    assert_clean("docker run -e MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db mysql");
    assert_clean("if [ \"$PASSWORD\" == \"\" ]; then exit 1; fi");
    assert_clean("echo ${PASSWORD:=x}");
    assert_clean("export GPG_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561");
}

#[test]
fn keytool_public_default_is_low() {
    assert_one(
        "keytool -importcert -storepass changeit -noprompt -file ca.crt",
        "placeholder-credential",
        "changeit",
        Low,
    );
}

#[test]
fn chpasswd_and_debconf() {
    let pw = fake(&alnum(), 14, 1000);
    assert_one(
        &format!("echo 'app:{pw}' | chpasswd"),
        "chpasswd-password",
        &pw,
        Medium,
    );
    assert_one(
        "echo \"root:root\" | chpasswd",
        "weak-default-credential",
        "root",
        Medium,
    );
    assert_one(
        "echo root:Docker! | sudo chpasswd",
        "chpasswd-password",
        "Docker!",
        Medium,
    );
    assert_clean("echo \"app:$HASH\" | chpasswd -e");
    assert_clean("echo 'app:$6$salt$hash' | chpasswd --encrypted");
    let debconf = format!(
        "echo \"mysql-server mysql-server/root_password password {pw}\" | debconf-set-selections"
    );
    assert_one(&debconf, "debconf-password", &pw, Medium);
    let again = format!(
        "echo 'mysql-server mysql-server/root_password_again password {pw}' | debconf-set-selections"
    );
    assert_one(&again, "debconf-password", &pw, Medium);
    assert_clean("the password password field");
    // Official MariaDB images preseed a deliberate non-password.
    assert_clean("echo \"mariadb-server\" mysql-server/root_password password 'unused';");
    let quoted = format!("echo pkg pkg/admin_password password '{pw}' | debconf-set-selections");
    assert_one(&quoted, "debconf-password", &pw, Medium);
}

#[test]
fn netrc_forms() {
    let pw = fake(&alnum(), 20, 1100);
    assert_one(
        &format!("echo \"machine github.com login bot password {pw}\" > ~/.netrc"),
        "netrc-password",
        &pw,
        High,
    );
    assert_clean("this machine has no password set");
    let file = format!(
        "machine a.example.com\n  login bot\n  password {pw}\ndefault login anon password {pw}x\n"
    );
    let got = scan_file("/root/.netrc", file.as_bytes());
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|m| m.kind == "netrc-password"));
}

// ---- Files ----

#[test]
fn config_file_assignments() {
    let pw = fake(&alnum(), 18, 1200);
    let cases = [
        (
            "/app/config.yaml",
            format!("db:\n  host: db\n  password: {pw}\n"),
        ),
        (
            "/app/config.yaml",
            format!("db:\n  password: \"{pw}\"  # prod\n"),
        ),
        (
            "/app/appsettings.json",
            format!("{{\"Db\": {{\"Password\": \"{pw}\"}}}}"),
        ),
        ("/etc/app/app.ini", format!("[db]\npassword = {pw}\n")),
        (
            "/app/application.properties",
            format!("spring.datasource.password={pw}\n"),
        ),
        (
            "/root/.pypirc",
            format!("[pypi]\nusername = __token__x\npassword = {pw}\n"),
        ),
        (
            "/etc/app/settings.xml",
            format!("<server><password>{pw}</password></server>"),
        ),
        ("/srv/.env", format!("SECRET_KEY={pw}\n")),
    ];
    for (path, text) in &cases {
        let got = scan_file(path, text.as_bytes());
        let hits: Vec<(&str, &str)> = got
            .iter()
            .map(|m| (m.kind, &text[m.range.clone()]))
            .collect();
        assert_eq!(
            hits,
            vec![("secret-assignment", pw.as_str())],
            "{path}: {text:?}"
        );
    }
    // Free text does not read `key: value` (prose has colons everywhere).
    assert!(scan_text(&cases[0].1).is_empty());
}

#[test]
fn config_file_look_alikes() {
    for (path, text) in [
        (
            "/app/config.yaml",
            "db:\n  password: ${DB_PASSWORD}\n  password_file: /run/secrets/db\n",
        ),
        (
            "/app/config.yaml",
            "auth:\n  password:\n    secretKeyRef: db\n",
        ),
        ("/app/config.json", "{\"password\": null, \"token\": \"\"}"),
        (
            "/app/config.json",
            "{\"passwordMinLength\": 12, \"tokenTtl\": \"1h\"}",
        ),
        ("/usr/share/doc/app/example.conf", "password = hunter2\n"),
        ("/app/settings.ini", "password_policy = strict\n"),
    ] {
        let got = scan_file(path, text.as_bytes());
        assert!(got.is_empty(), "{path}: {text:?} -> {got:?}");
    }
}

#[test]
fn pgpass_lines() {
    let pw = fake(&alnum(), 16, 1300);
    let text = format!("# comment\ndb:5432:*:app:{pw}\nother:5432:db:ro:\\:esc{pw}\n");
    let got = scan_file("/root/.pgpass", text.as_bytes());
    let hits: Vec<&str> = got.iter().map(|m| &text[m.range.clone()]).collect();
    assert_eq!(hits, vec![pw.clone(), format!("\\:esc{pw}")]);
}

// ---- Output ----

#[test]
fn redacted_form_never_contains_the_secret() {
    let t = format!("ghp_{}", fake(&alnum(), 36, 1400));
    let m = &scan_text(&format!("x {t}"))[0];
    assert_eq!(m.redacted, "ghp_…(40 chars)");
    assert!(!m.redacted.contains(&t[4..8]));
}

#[test]
fn every_reported_kind_is_registered() {
    let mut ids: Vec<&str> = KINDS.iter().map(|k| k.id).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "kind ids must be unique");
    assert!(KINDS.iter().all(|k| {
        k.id.bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
    }));
}

/// The reviewed list of kind ids: a change here is an interface change (rules,
/// suppressions and baselines name these ids).
#[test]
fn kinds_unique() {
    let ids: Vec<&str> = KINDS.iter().map(|k| k.id).collect();
    assert_eq!(
        ids.join(" "),
        "aws-access-key-id aws-secret-access-key github-token gitlab-token gitlab-runner-token slack-token \
         slack-webhook stripe-secret-key stripe-test-key google-api-key gcp-service-account-key private-key \
         url-credentials jwt npm-token npmrc-auth pypi-token dockerhub-token docker-config-auth openai-api-key \
         anthropic-api-key sendgrid-api-key twilio-api-key azure-storage-key azure-shared-access-key \
         heroku-api-key mailgun-api-key shopify-token vault-token databricks-token huggingface-token \
         http-auth-header netrc-password pgpass-password debconf-password chpasswd-password cli-password \
         secret-assignment weak-default-credential placeholder-credential"
    );
}
