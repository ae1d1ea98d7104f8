//! Rules over the account databases the image ships (`/etc/passwd`, `/etc/shadow`).

use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

/// The accounts of the shipped `/etc/shadow`: its layer, and each entry's name and
/// password field (comments and nameless lines skipped).
fn shadow_accounts(cx: &ImageContext<'_>) -> Vec<(usize, String, String)> {
    let Some((layer, shadow)) = cx.shadow else {
        return Vec::new();
    };
    String::from_utf8_lossy(shadow)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let (name, password) = (fields.next()?, fields.next()?);
            (!name.is_empty() && !name.starts_with('#'))
                .then(|| (layer, name.to_owned(), password.to_owned()))
        })
        .collect()
}

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
        for (layer, name, password) in shadow_accounts(cx) {
            if password.is_empty() {
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

declare_rule! {
    /// ## What it does
    /// Checks `/etc/shadow` for accounts with a usable password hash: every container
    /// of the image starts with that password, the same for all of them, and anyone with
    /// the image can run an offline attack on it. Hashes made with algorithms that are
    /// broken or fast to brute-force (DES crypt, MD5 crypt, NT hash, SunMD5, BSDi) are
    /// named as such.
    ///
    /// ## Why is this bad?
    /// Containers authenticate services, not people: a password baked into an image is
    /// a shared secret shipped to every registry and host that pulls it, and with a weak
    /// algorithm it falls in seconds.
    ///
    /// ## Example
    /// `app:$1$saltsalt$Dk0DNHvDZ6wl4fwHkhX3O0:19000:0:99999:7:::`
    ///
    /// Use instead: `app:!:19000:0:99999:7:::` (locked), and give the service its
    /// credentials at run time.
    pub struct ShadowPasswordSet {
        code: "IM023",
        name: "image-account-password-set",
        title: "An account has a password baked into the image",
        severity: Medium,
        practice: P4,
        target: Image,
        references: [cis("4.10")],
        fix: None,
        remediation: "Lock the account (`passwd -l NAME`, or `!` in the password field) and pass credentials at run time.",
    }
}

/// The crypt(3) scheme of a password field, and whether it is weak; `None` for a
/// field that cannot be logged in with (empty is IM014's, locked, or not a hash).
fn password_scheme(field: &str) -> Option<(&'static str, bool)> {
    // `!` and `*` lock the account, whatever follows (`!$6$…` keeps a hash disabled).
    if field.is_empty() || field.starts_with('!') || field.starts_with('*') {
        return None;
    }
    let scheme = match field.split('$').nth(1) {
        _ if !field.starts_with('$') => {
            // Traditional DES crypt: 13 characters of the crypt alphabet; BSDi: `_`.
            let crypt_alphabet = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/';
            if field.len() == 13 && field.chars().all(crypt_alphabet) {
                return Some(("DES crypt", true));
            }
            if field.starts_with('_') && field.len() == 20 {
                return Some(("BSDi crypt", true));
            }
            return None;
        }
        Some("1") => ("MD5 crypt", true),
        Some("3") => ("NT hash", true),
        Some("md5") => ("SunMD5", true),
        Some("2" | "2a" | "2b" | "2x" | "2y") => ("bcrypt", false),
        Some("5") => ("SHA-256 crypt", false),
        Some("6") => ("SHA-512 crypt", false),
        Some("y") => ("yescrypt", false),
        Some("gy") => ("gost-yescrypt", false),
        Some("7") => ("scrypt", false),
        _ => ("an unknown scheme", false),
    };
    Some(scheme)
}

impl ImageCheck for ShadowPasswordSet {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (layer, name, password) in shadow_accounts(cx) {
            let Some((scheme, weak)) = password_scheme(&password) else {
                continue;
            };
            let strength = if weak { "weak " } else { "" };
            out.report(
                Some(cx.layer_name(layer)),
                Some("/etc/shadow".to_owned()),
                format!(
                    "account `{name}` has a password set in /etc/shadow ({strength}{scheme} hash)"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::password_scheme;
    use crate::test_util::Root;

    #[test]
    fn schemes() {
        for (field, expected) in [
            ("", None),
            ("*", None),
            ("!", None),
            ("!!", None),
            ("!$6$salt$hash", None),
            ("x", None),
            ("abJnggxhB/yWI", Some(("DES crypt", true))),
            (
                "$1$saltsalt$Dk0DNHvDZ6wl4fwHkhX3O0",
                Some(("MD5 crypt", true)),
            ),
            ("$6$rounds=5000$salt$hash", Some(("SHA-512 crypt", false))),
            ("$y$j9T$salt$hash", Some(("yescrypt", false))),
            ("$2b$12$abcdefghijklmnopqrstuv", Some(("bcrypt", false))),
        ] {
            assert_eq!(password_scheme(field), expected, "{field}");
        }
    }

    /// Validates the three account rules together on one root filesystem.
    #[test]
    fn account_databases() {
        let root = Root::new();
        root.file(
            "/etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\nsvc:x:1001:1001::/:/sbin/nologin\n",
            0o644,
        )
        .file(
            "/etc/shadow",
            "root::19000:0:99999:7:::\ntoor:*:19000::::::\napp:$1$saltsalt$Dk0DNHvDZ6wl4fwHkhX3O0:19000::::::\nsvc:$y$j9T$salt$hash:19000::::::\n",
            0o640,
        );
        let messages = |code: &str| -> Vec<String> {
            root.findings(code).into_iter().map(|f| f.message).collect()
        };
        assert_eq!(
            messages("IM014"),
            ["account `root` has an empty password in /etc/shadow"]
        );
        assert_eq!(
            messages("IM015"),
            ["account `toor` has user id 0, the same rights as root"]
        );
        assert_eq!(
            messages("IM023"),
            [
                "account `app` has a password set in /etc/shadow (weak MD5 crypt hash)",
                "account `svc` has a password set in /etc/shadow (yescrypt hash)"
            ]
        );
    }
}
