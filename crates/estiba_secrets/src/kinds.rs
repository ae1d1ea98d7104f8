//! The registry of secret kinds: every stable id a match can carry, with its description.
//!
//! Ids are part of estiba's interface (rules, suppressions and baselines refer to them),
//! so they are never renamed or reused; `kinds_unique` in the tests pins the list.

/// One kind of secret the detector can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretKind {
    /// Stable kebab-case id, e.g. `github-token`.
    pub id: &'static str,
    /// One line saying what was found, for reports.
    pub description: &'static str,
}

macro_rules! kinds {
    ($($konst:ident = $id:literal, $desc:literal;)*) => {
        $(pub(crate) const $konst: SecretKind = SecretKind { id: $id, description: $desc };)*
        /// Every kind the detector can report, in a fixed order.
        pub static KINDS: &[SecretKind] = &[$($konst),*];
    };
}

kinds! {
    AWS_ACCESS_KEY_ID = "aws-access-key-id", "AWS access key id (AKIA/ASIA)";
    AWS_SECRET_ACCESS_KEY = "aws-secret-access-key", "AWS secret access key";
    GITHUB_TOKEN = "github-token", "GitHub token";
    GITLAB_TOKEN = "gitlab-token", "GitLab access token";
    GITLAB_RUNNER_TOKEN = "gitlab-runner-token", "GitLab runner registration or authentication token";
    SLACK_TOKEN = "slack-token", "Slack API token";
    SLACK_WEBHOOK = "slack-webhook", "Slack incoming webhook URL";
    STRIPE_SECRET_KEY = "stripe-secret-key", "Stripe live secret or restricted key";
    STRIPE_TEST_KEY = "stripe-test-key", "Stripe test-mode secret key";
    GOOGLE_API_KEY = "google-api-key", "Google API key";
    GCP_SERVICE_ACCOUNT_KEY = "gcp-service-account-key", "Google Cloud service account private key (JSON key file)";
    PRIVATE_KEY = "private-key", "Private key block";
    URL_CREDENTIALS = "url-credentials", "Password embedded in a URL";
    JWT = "jwt", "JSON Web Token";
    NPM_TOKEN = "npm-token", "npm access token";
    NPMRC_AUTH = "npmrc-auth", "npm registry credential (_authToken/_auth/_password)";
    PYPI_TOKEN = "pypi-token", "PyPI upload token";
    DOCKERHUB_TOKEN = "dockerhub-token", "Docker Hub access token";
    DOCKER_CONFIG_AUTH = "docker-config-auth", "Registry credential in Docker config.json (auth)";
    OPENAI_API_KEY = "openai-api-key", "OpenAI API key";
    ANTHROPIC_API_KEY = "anthropic-api-key", "Anthropic API key";
    SENDGRID_API_KEY = "sendgrid-api-key", "SendGrid API key";
    TWILIO_API_KEY = "twilio-api-key", "Twilio API key";
    AZURE_STORAGE_KEY = "azure-storage-key", "Azure storage account key";
    AZURE_SHARED_ACCESS_KEY = "azure-shared-access-key", "Azure shared access key (Service Bus, Event Hubs, IoT Hub)";
    HEROKU_API_KEY = "heroku-api-key", "Heroku API key";
    MAILGUN_API_KEY = "mailgun-api-key", "Mailgun API key";
    SHOPIFY_TOKEN = "shopify-token", "Shopify access token or shared secret";
    VAULT_TOKEN = "vault-token", "HashiCorp Vault token";
    DATABRICKS_TOKEN = "databricks-token", "Databricks personal access token";
    HUGGINGFACE_TOKEN = "huggingface-token", "Hugging Face access token";
    HTTP_AUTH_HEADER = "http-auth-header", "Credential in an HTTP authentication header";
    NETRC_PASSWORD = "netrc-password", "Password in netrc format (machine/login/password)";
    PGPASS_PASSWORD = "pgpass-password", "Password in a PostgreSQL .pgpass file";
    DEBCONF_PASSWORD = "debconf-password", "Password preseeded through debconf";
    CHPASSWD_PASSWORD = "chpasswd-password", "Account password set through chpasswd";
    CLI_PASSWORD = "cli-password", "Password passed as a command-line argument";
    SECRET_ASSIGNMENT = "secret-assignment", "Literal value assigned to a secret-named variable or key";
    WEAK_DEFAULT_CREDENTIAL = "weak-default-credential", "Well-known weak default password";
    PLACEHOLDER_CREDENTIAL = "placeholder-credential", "Placeholder in a credential slot";
}
