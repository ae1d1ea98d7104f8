//! Rules about the shell scripts `RUN` executes: commands that do not belong in a build,
//! unsafe downloads and permissions, and shell pitfalls. They read the parsed script (shell
//! form, heredoc bodies, exec-form argv and `ONBUILD` triggers), never the raw text.

mod apt_key_used;
mod build_tools_in_final_stage;
mod cd_instead_of_workdir;
mod chmod_world_writable;
#[cfg(test)]
mod corpus;
mod curl_and_wget;
mod default_shell_replaced;
mod helpers;
mod interactive_command;
mod pipe_without_pipefail;
mod remote_script_piped_to_shell;
mod shell_syntax_error;
mod sshd_installed;
mod su_used;
mod sudo_used;
mod tls_verification_disabled;
mod useradd_without_no_log_init;
mod wget_without_progress;

pub(crate) use apt_key_used::AptKeyUsed;
pub(crate) use build_tools_in_final_stage::BuildToolsInFinalStage;
pub(crate) use cd_instead_of_workdir::CdInsteadOfWorkdir;
pub(crate) use chmod_world_writable::ChmodWorldWritable;
pub(crate) use curl_and_wget::CurlAndWget;
pub(crate) use default_shell_replaced::DefaultShellReplaced;
pub(crate) use interactive_command::InteractiveCommand;
pub(crate) use pipe_without_pipefail::PipeWithoutPipefail;
pub(crate) use remote_script_piped_to_shell::RemoteScriptPipedToShell;
pub(crate) use shell_syntax_error::ShellSyntaxError;
pub(crate) use sshd_installed::SshdInstalled;
pub(crate) use su_used::SuUsed;
pub(crate) use sudo_used::SudoUsed;
pub(crate) use tls_verification_disabled::TlsVerificationDisabled;
pub(crate) use useradd_without_no_log_init::UseraddWithoutNoLogInit;
pub(crate) use wget_without_progress::WgetWithoutProgress;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &ShellSyntaxError,
    &SudoUsed,
    &CdInsteadOfWorkdir,
    &InteractiveCommand,
    &CurlAndWget,
    &PipeWithoutPipefail,
    &UseraddWithoutNoLogInit,
    &WgetWithoutProgress,
    &RemoteScriptPipedToShell,
    &ChmodWorldWritable,
    &SuUsed,
    &SshdInstalled,
    &BuildToolsInFinalStage,
    &TlsVerificationDisabled,
    &DefaultShellReplaced,
    &AptKeyUsed,
];

#[cfg(test)]
mod tests {
    use test_case::test_case;

    use crate::test_util::test_rule;

    #[test_case("SH000", "SH000.Dockerfile")]
    #[test_case("SH101", "SH101.Dockerfile")]
    #[test_case("SH102", "SH102.Dockerfile")]
    #[test_case("SH103", "SH103.Dockerfile")]
    #[test_case("SH104", "SH104.Dockerfile")]
    #[test_case("SH105", "SH105.Dockerfile")]
    #[test_case("SH106", "SH106.Dockerfile")]
    #[test_case("SH107", "SH107.Dockerfile")]
    #[test_case("SH108", "SH108.Dockerfile")]
    #[test_case("SH109", "SH109.Dockerfile")]
    #[test_case("SH110", "SH110.Dockerfile")]
    #[test_case("SH111", "SH111.Dockerfile")]
    #[test_case("SH112", "SH112.Dockerfile")]
    #[test_case("SH113", "SH113.Dockerfile")]
    #[test_case("SH114", "SH114.Dockerfile")]
    #[test_case("SH115", "SH115.Dockerfile")]
    fn rules(code: &str, fixture: &str) {
        let snapshot = test_rule(code, "shell", fixture);
        insta::assert_snapshot!(code, snapshot);
    }

    /// Validates that broken and unusual scripts never make a shell rule panic.
    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = [
            "FROM a\nRUN",
            "FROM a\nRUN [\"",
            "FROM a\nRUN []",
            "FROM a\nRUN [\"sudo\"]",
            "FROM a\nRUN sudo",
            "FROM a\nRUN su -c",
            "FROM a\nRUN curl | | sh",
            "FROM a\nRUN chmod -- -R",
            "FROM a\nRUN useradd -u",
            "FROM a\nRUN ln -t",
            "FROM a\nRUN echo \"é日本\" | sh -c 'sudo ünï'",
            "FROM a\nRUN <<EOF\nsudo x\n",
            "FROM a\nONBUILD RUN",
            "FROM a\nONBUILD RUN [\"wget\"]",
            "FROM a\nCOPY --chmod= a b",
            "RUN sudo x",
            "FROM a\nRUN $(curl x)\nRUN bash <(curl x)\nRUN eval \"$(wget -O- x)\"",
            "FROM a\nRUN apt-get install $X ${Y:-openssh-server} 'gcc'\"make\"",
        ];
        for input in inputs {
            for rule in super::RULES {
                let _ = crate::test_util::lint_text(rule.meta().code, input);
            }
        }
    }
}
