use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, with_triggers};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks `EXPOSE` arguments, after `ARG`/`ENV` substitution, for ports outside
    /// 0–65535, reversed ranges, unknown protocols and host mappings.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` takes container ports in the form `port`, `port/protocol`,
    /// `start-end` or `start-end/protocol`, with the protocol `tcp`, `udp` or `sctp`.
    /// Anything else fails the build (a port above 65535, `8010-8000`, `80/http`) or
    /// is silently reduced: `EXPOSE 8080:80` exposes only 80, because `EXPOSE` never
    /// publishes a port on the host, and BuildKit warns that such forms will become
    /// errors.
    ///
    /// Arguments built from a variable whose value the Dockerfile does not show are not
    /// judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG PORT=80800
    /// EXPOSE $PORT 8080:80
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PORT=8080
    /// EXPOSE $PORT 80/tcp
    /// ```
    pub(crate) struct ExposePortInvalid {
        code: "DF102",
        name: "expose-port-invalid",
        title: "`EXPOSE` argument is not a valid container port",
        severity: Medium,
        practice: P5,
        references: [hadolint("DL3011")],
        fix: None,
        remediation: "Use `EXPOSE port[/tcp|udp|sctp]` or `EXPOSE start-end[/protocol]` with ports from 0 to 65535.",
    }
}

/// A container port or port range as `EXPOSE` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PortSpec {
    pub(crate) start: u16,
    pub(crate) end: u16,
    /// `host:container` or `ip:host:container` was written; only the container part counts.
    pub(crate) host_mapping: bool,
}

impl PortSpec {
    pub(crate) fn contains(&self, port: u16) -> bool {
        (self.start..=self.end).contains(&port)
    }
}

/// Why an `EXPOSE` argument is not a container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PortError {
    OutOfRange(String),
    NotANumber(String),
    Reversed(u16, u16),
    Protocol(String),
}

/// Parses one expanded `EXPOSE` word as BuildKit's port parser does.
pub(crate) fn parse_port_spec(spec: &str) -> Result<PortSpec, PortError> {
    let (ports, protocol) = match spec.rsplit_once('/') {
        Some((ports, protocol)) => (ports, Some(protocol)),
        None => (spec, None),
    };
    if let Some(protocol) = protocol
        && !["tcp", "udp", "sctp"].contains(&protocol.to_ascii_lowercase().as_str())
    {
        return Err(PortError::Protocol(protocol.to_owned()));
    }
    let host_mapping = ports.contains(':');
    let container = ports.rsplit(':').next().unwrap_or(ports);
    let (start, end) = match container.split_once('-') {
        Some((start, end)) => (parse_port(start)?, parse_port(end)?),
        None => {
            let port = parse_port(container)?;
            (port, port)
        }
    };
    if end < start {
        return Err(PortError::Reversed(start, end));
    }
    Ok(PortSpec {
        start,
        end,
        host_mapping,
    })
}

fn parse_port(text: &str) -> Result<u16, PortError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortError::NotANumber(text.to_owned()));
    }
    text.parse::<u16>()
        .map_err(|_| PortError::OutOfRange(text.trim_start_matches('0').to_owned()))
}

impl Check for ExposePortInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            let InstructionKind::Expose(words) = &instruction.kind else {
                continue;
            };
            for word in words {
                let specs = if in_onbuild {
                    model.literal(&word.value).map(|w| vec![w])
                } else {
                    model.expand_words(index, &word.value)
                };
                let Some(specs) = specs else { continue };
                for spec in specs {
                    let problem = match parse_port_spec(&spec) {
                        Ok(parsed) if parsed.host_mapping => Some(format!(
                            "`{spec}` maps a host port, which `EXPOSE` cannot do: only container port {} is exposed",
                            if parsed.start == parsed.end {
                                parsed.start.to_string()
                            } else {
                                format!("range {}-{}", parsed.start, parsed.end)
                            }
                        )),
                        Ok(_) => None,
                        Err(PortError::OutOfRange(port)) => {
                            Some(format!("port {port} in `{spec}` is outside 0-65535"))
                        }
                        Err(PortError::NotANumber(text)) if text.is_empty() => {
                            Some(format!("`{spec}` is not a port or port range"))
                        }
                        Err(PortError::NotANumber(text)) if text == spec => {
                            Some(format!("`{spec}` is not a port number"))
                        }
                        Err(PortError::NotANumber(text)) => {
                            Some(format!("`{text}` in `{spec}` is not a port number"))
                        }
                        Err(PortError::Reversed(start, end)) => Some(format!(
                            "port range `{spec}` ends ({end}) before it starts ({start})"
                        )),
                        Err(PortError::Protocol(protocol)) => Some(format!(
                            "`{protocol}` in `{spec}` is not a protocol `EXPOSE` knows (tcp, udp, sctp)"
                        )),
                    };
                    if let Some(message) = problem {
                        let message = if spec == word.value {
                            message
                        } else {
                            format!("{message} (`{}` expanded)", word.value)
                        };
                        out.report(word.range, message);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs() {
        assert_eq!(
            parse_port_spec("80/tcp"),
            Ok(PortSpec {
                start: 80,
                end: 80,
                host_mapping: false
            })
        );
        assert_eq!(
            parse_port_spec("8000-8010"),
            Ok(PortSpec {
                start: 8000,
                end: 8010,
                host_mapping: false
            })
        );
        assert_eq!(
            parse_port_spec("0"),
            Ok(PortSpec {
                start: 0,
                end: 0,
                host_mapping: false
            })
        );
        assert_eq!(parse_port_spec("65535/UDP").map(|p| p.end), Ok(65535));
        assert_eq!(
            parse_port_spec("65536"),
            Err(PortError::OutOfRange("65536".into()))
        );
        assert_eq!(parse_port_spec("90-80"), Err(PortError::Reversed(90, 80)));
        assert_eq!(
            parse_port_spec("80/http"),
            Err(PortError::Protocol("http".into()))
        );
        assert_eq!(
            parse_port_spec("http"),
            Err(PortError::NotANumber("http".into()))
        );
        assert_eq!(
            parse_port_spec("/tcp"),
            Err(PortError::NotANumber(String::new()))
        );
        assert_eq!(
            parse_port_spec("8080:80").map(|p| (p.start, p.host_mapping)),
            Ok((80, true))
        );
        assert_eq!(
            parse_port_spec("-1"),
            Err(PortError::NotANumber(String::new()))
        );
    }
}
