use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports host devices passed into a container: `--device`, compose `devices`, and
    /// live containers' `HostConfig.Devices`.
    ///
    /// ## Why is this bad?
    /// A device node gives the container direct access to hardware or a kernel driver:
    /// a disk (`/dev/sda`) can be mounted or read raw, `/dev/mem` and `/dev/kmem` reach
    /// memory, and each driver is more kernel attack surface. With `m` permission the
    /// container can also create device nodes.
    ///
    /// ## Example
    /// ```sh
    /// docker run --device /dev/sda app
    /// ```
    ///
    /// Use instead: pass only the device the program needs, with the least permissions
    /// (`--device /dev/ttyUSB0:/dev/ttyUSB0:r`).
    pub struct DevicePassedThrough {
        code: "RT017",
        name: "device-passed-through",
        title: "Host device passed into the container",
        severity: Medium,
        practice: P8,
        target: Runtime,
        references: [cis("5.17")],
        fix: None,
        remediation: "Remove the device, or pass only the one needed with the narrowest permissions (r, rw without m).",
    }
}

impl RuntimeCheck for DevicePassedThrough {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for d in &w.devices {
            let dev = &d.value;
            // A path left empty by an unset variable is still a device passed through.
            let shown = |p: &str| {
                if p.trim().is_empty() {
                    "(a path from an unset variable)".to_owned()
                } else {
                    format!("`{p}`")
                }
            };
            let inside =
                if dev.container_path.trim().is_empty() || dev.container_path == dev.host_path {
                    String::new()
                } else {
                    format!(" as {}", shown(&dev.container_path))
                };
            out.report(
                Some(&d.at),
                format!(
                    "host device {} is passed into the container{inside} ({})",
                    shown(&dev.host_path),
                    dev.permissions
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn devices_are_reported() {
        let f = run_line(
            &DevicePassedThrough,
            "docker run --device /dev/sda:/dev/xvda:rw app",
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("/dev/sda"));
        assert_eq!(count(&DevicePassedThrough, "docker run app"), 0);
    }
}
