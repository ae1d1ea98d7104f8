use estiba_diagnostics::declare_rule;
use estiba_diagnostics::ports::sensitive_port;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks the ports the image config exposes against the ports of remote-login and
    /// control services (SSH, telnet, the Docker API, RDP, VNC) and of datastores
    /// (PostgreSQL, MySQL, Redis, MongoDB, Elasticsearch…). The same table judges
    /// `EXPOSE` in Dockerfiles.
    ///
    /// ## Why is this bad?
    /// A remote-login service in a container is a second way in that bypasses the
    /// engine's access control; `docker exec` serves the same need. Datastores belong on
    /// internal networks, and an exposed port invites publishing it with `-P`.
    ///
    /// ## Example
    /// An image built with `EXPOSE 22`.
    ///
    /// Use instead: no SSH server in the image; `docker exec -it CONTAINER sh`.
    pub struct PortExposed {
        code: "IM008",
        name: "image-port-sensitive-exposed",
        title: "The image exposes a remote-login or datastore port",
        severity: High,
        practice: P5,
        target: Image,
        references: [cis("4.2")],
        fix: None,
        remediation: "Remove the `EXPOSE` of remote-login ports; keep datastore ports unpublished on internal networks.",
    }
}

impl ImageCheck for PortExposed {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for spec in &cx.config.config.exposed_ports {
            // `22/tcp`, `53/udp`; a range cannot be stored in the config.
            let number = spec.split('/').next().unwrap_or(spec);
            let Some(port) = number.parse::<u16>().ok().and_then(sensitive_port) else {
                continue;
            };
            let finding = out.report(
                None,
                Some(format!("config.ExposedPorts {spec}")),
                format!("the image exposes port {spec}, {}", port.service),
            );
            finding.severity = port.severity;
        }
    }
}
