//! Ports whose exposure the P5 practice warns about: remote-login and control services
//! (never in a container) and datastores (internal networks only). One table for the
//! Dockerfile, image and runtime rules, so they judge a port alike.

use crate::Severity;

/// A port range and what listens there by convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitivePort {
    pub first: u16,
    pub last: u16,
    pub service: &'static str,
    pub severity: Severity,
}

const fn port(first: u16, last: u16, service: &'static str, severity: Severity) -> SensitivePort {
    SensitivePort {
        first,
        last,
        service,
        severity,
    }
}

/// The table, remote-login and control services first.
pub const SENSITIVE_PORTS: &[SensitivePort] = &[
    port(22, 22, "SSH", Severity::High),
    port(23, 23, "telnet", Severity::High),
    port(2375, 2376, "the Docker daemon API", Severity::High),
    port(3389, 3389, "RDP", Severity::Medium),
    port(5900, 5901, "VNC", Severity::Medium),
    port(1433, 1433, "SQL Server", Severity::Low),
    port(1521, 1521, "Oracle Database", Severity::Low),
    port(2379, 2379, "etcd", Severity::Low),
    port(3306, 3306, "MySQL/MariaDB", Severity::Low),
    port(5432, 5432, "PostgreSQL", Severity::Low),
    port(5984, 5984, "CouchDB", Severity::Low),
    port(6379, 6379, "Redis", Severity::Low),
    port(8500, 8500, "the Consul API", Severity::Low),
    port(9042, 9042, "Cassandra", Severity::Low),
    port(9200, 9200, "Elasticsearch", Severity::Low),
    port(11211, 11211, "Memcached", Severity::Low),
    port(15672, 15672, "RabbitMQ management", Severity::Low),
    port(27017, 27017, "MongoDB", Severity::Low),
];

/// The entry for `port`, if it is sensitive.
#[must_use]
pub fn sensitive_port(port: u16) -> Option<&'static SensitivePort> {
    SENSITIVE_PORTS
        .iter()
        .find(|p| (p.first..=p.last).contains(&port))
}
