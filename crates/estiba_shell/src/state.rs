//! Shell options that change how failures propagate (`set -e`, `set -o pipefail`).

/// The options in effect at some point of a script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[allow(clippy::struct_excessive_bools)] // independent shell options, as `set` has them
pub struct ShellState {
    /// `set -e` / `set -o errexit`
    pub errexit: bool,
    /// `set -o pipefail`: a pipeline fails when any command in it fails, not only the last.
    pub pipefail: bool,
    /// `set -u` / `set -o nounset`
    pub nounset: bool,
    /// `set -x` / `set -o xtrace`
    pub xtrace: bool,
}

impl ShellState {
    /// The state a shell starts with when invoked as `argv`, e.g. a Dockerfile
    /// `SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`. Reads options up to the first
    /// operand; unknown options are ignored.
    #[must_use]
    pub fn from_shell_command<S: AsRef<str>>(argv: &[S]) -> ShellState {
        let mut state = ShellState::default();
        let rest = argv.get(1..).unwrap_or(&[]);
        let mut j = 0;
        while let Some(a) = rest.get(j).map(AsRef::as_ref) {
            if a.starts_with("--") {
                j += if matches!(a, "--rcfile" | "--init-file") {
                    2
                } else {
                    1
                };
                continue;
            }
            let consumed = state.apply_cluster(a, rest.get(j + 1..).unwrap_or(&[]));
            match consumed {
                Some(n) => j += 1 + n,
                None => break,
            }
        }
        state
    }

    /// Applies the arguments of a `set` builtin.
    pub(crate) fn apply_set<S: AsRef<str>>(&mut self, args: &[S]) {
        let mut j = 0;
        while let Some(a) = args.get(j).map(AsRef::as_ref) {
            if a == "--" || a == "-" {
                break;
            }
            match self.apply_cluster(a, args.get(j + 1..).unwrap_or(&[])) {
                Some(n) => j += 1 + n,
                None => break,
            }
        }
    }

    /// Applies one `-abc`/`+abc` cluster; `-o name` takes its name from `following`.
    /// Returns how many following arguments were used, or `None` if `arg` is no option.
    fn apply_cluster<S: AsRef<str>>(&mut self, arg: &str, following: &[S]) -> Option<usize> {
        let on = arg.starts_with('-');
        if !(on || arg.starts_with('+')) || arg.len() < 2 {
            return None;
        }
        let mut used = 0;
        for ch in arg[1..].chars() {
            match ch {
                'o' | 'O' => {
                    if ch == 'o'
                        && let Some(name) = following.get(used)
                    {
                        self.set_named(name.as_ref(), on);
                    }
                    used += 1;
                }
                other => self.set_flag(other, on),
            }
        }
        Some(used.min(following.len()))
    }

    pub(crate) fn set_flag(&mut self, flag: char, on: bool) {
        match flag {
            'e' => self.errexit = on,
            'u' => self.nounset = on,
            'x' => self.xtrace = on,
            _ => {}
        }
    }

    pub(crate) fn set_named(&mut self, name: &str, on: bool) {
        match name {
            "errexit" => self.errexit = on,
            "pipefail" => self.pipefail = on,
            "nounset" => self.nounset = on,
            "xtrace" => self.xtrace = on,
            _ => {}
        }
    }
}
