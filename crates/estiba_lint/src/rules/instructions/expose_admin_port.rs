use estiba_diagnostics::Severity;
use estiba_diagnostics::ports::{SENSITIVE_PORTS, SensitivePort};
use estiba_dockerfile::InstructionKind;

use super::expose_port_invalid::parse_port_spec;
use super::helpers::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the final image's `EXPOSE` instructions for remote-administration ports and
    /// for datastore ports that should not face users.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` documents which ports a container serves, and tools use it (`docker run
    /// -P` publishes every exposed port). An exposed SSH, telnet, RDP or VNC port means a
    /// remote login service runs in the container; a Docker daemon port hands out control
    /// of the host. Datastore and admin-console ports belong on internal networks.
    ///
    /// | port | service | severity |
    /// |---|---|---|
    /// | 22 | SSH | high |
    /// | 23 | telnet | high |
    /// | 2375, 2376 | Docker daemon API | high |
    /// | 3389 | RDP | medium |
    /// | 5900, 5901 | VNC | medium |
    /// | 1433, 1521, 2379, 3306, 5432, 5984, 6379, 8500, 9042, 9200, 11211, 15672, 27017 | SQL Server, Oracle, etcd, MySQL/MariaDB, PostgreSQL, CouchDB, Redis, Consul API, Cassandra, Elasticsearch, Memcached, RabbitMQ management, MongoDB | low |
    ///
    /// A datastore's own image exposes its port by design: ignore the rule for that file.
    /// Ports in stages that do not end up in the final image are not reported. A severity
    /// configured for the rule replaces the per-port severities.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// EXPOSE 8080
    /// ```
    pub(crate) struct ExposeAdminPort {
        code: "DF117",
        name: "expose-admin-port",
        title: "`EXPOSE` of a remote-administration or datastore port",
        severity: Medium,
        practice: P5,
        references: [],
        fix: None,
        remediation: "Do not run remote-login services in containers (use `docker exec`), and keep datastore ports on internal networks instead of exposing them.",
    }
}

impl Check for ExposeAdminPort {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let meta = Declared::meta(self);
        let overridden = cx
            .settings
            .severity_overrides
            .keys()
            .any(|id| meta.matches_id(id));
        let model = Model::new(cx);
        for (index, instruction) in cx.instructions() {
            let InstructionKind::Expose(words) = &instruction.kind else {
                continue;
            };
            if !model.stage_of(index).is_some_and(|s| model.ships(s)) {
                continue;
            }
            for word in words {
                let Some(specs) = model.expand_words(index, &word.value) else {
                    continue;
                };
                for spec in specs {
                    let Ok(parsed) = parse_port_spec(&spec) else {
                        continue;
                    };
                    for &SensitivePort {
                        first,
                        last,
                        service,
                        severity,
                    } in SENSITIVE_PORTS
                    {
                        let Some(port) = (first..=last).find(|p| parsed.contains(*p)) else {
                            continue;
                        };
                        let shown = if parsed.start == parsed.end {
                            format!("`EXPOSE {spec}`")
                        } else {
                            format!("`EXPOSE {spec}` (port {port})")
                        };
                        let advice = if severity == Severity::Low {
                            "keep it on an internal network"
                        } else {
                            "a remote-administration service should not run in the container"
                        };
                        let finding = out.report(
                            word.range,
                            format!("{shown} advertises {service}: {advice}"),
                        );
                        if !overridden {
                            finding.severity = severity;
                        }
                    }
                }
            }
        }
    }
}
