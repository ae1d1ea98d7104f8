//! Rules over the account databases the image ships (`/etc/passwd`, `/etc/shadow`).

use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks `/etc/shadow` for accounts whose password field is empty: such an account
    /// logs in without a password. Locked (`!`, `*`) and hashed fields are fine.
    ///
    /// ## Why is this bad?
    /// Anything in the container that authenticates against the system accounts — `su`,
    /// `login`, an SSH server, PAM-based services — lets anyone in as that user, root
    /// included.
    ///
    /// ## Example
    /// `root::19000:0:99999:7:::`
    ///
    /// Use instead: `root:*:19000:0:99999:7:::` (locked).
    pub struct ShadowPasswordEmpty {
        code: "IM014",
        name: "image-account-password-empty",
        title: "An account has an empty password",
        severity: High,
        practice: P4,
        target: Image,
        references: [dockle("CIS-DI-0009")],
        fix: None,
        remediation: "Lock the account (`passwd -l NAME`, or `*` in the password field of /etc/shadow).",
    }
}

impl ImageCheck for ShadowPasswordEmpty {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let Some((layer, shadow)) = cx.shadow else {
            return;
        };
        for line in String::from_utf8_lossy(shadow).lines() {
            let mut fields = line.split(':');
            let (Some(name), Some(password)) = (fields.next(), fields.next()) else {
                continue;
            };
            if !name.is_empty() && !name.starts_with('#') && password.is_empty() {
                out.report(
                    Some(cx.layer_name(layer)),
                    Some("/etc/shadow".to_owned()),
                    format!("account `{name}` has an empty password in /etc/shadow"),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Checks `/etc/passwd` for accounts other than `root` with user id 0.
    ///
    /// ## Why is this bad?
    /// A second uid-0 account is root under another name: a classic backdoor, and a way
    /// past any check that looks for the name `root`.
    ///
    /// ## Example
    /// `toor:x:0:0:second root:/root:/bin/sh`
    ///
    /// Use instead: give the account its own uid, or remove it.
    pub struct RootUidAccount {
        code: "IM015",
        name: "image-account-uid-zero",
        title: "An account other than root has user id 0",
        severity: High,
        practice: P4,
        target: Image,
        references: [],
        fix: None,
        remediation: "Remove the account or give it an unprivileged uid.",
    }
}

impl ImageCheck for RootUidAccount {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let Some((layer, passwd)) = cx.passwd else {
            return;
        };
        for line in String::from_utf8_lossy(passwd).lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if let [name, _, uid, ..] = fields.as_slice()
                && *name != "root"
                && !name.starts_with('#')
                && uid.trim() == "0"
            {
                out.report(
                    Some(cx.layer_name(layer)),
                    Some("/etc/passwd".to_owned()),
                    format!("account `{name}` has user id 0, the same rights as root"),
                );
            }
        }
    }
}
