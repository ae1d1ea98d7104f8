//! Kubernetes resource quantities (`512Mi`, `1G`, `1e3`, `500m`, `1.5`).

/// A quantity as a number of base units: decimal (`k`, `M`, `G`…, `m` for milli),
/// binary (`Ki`, `Mi`, `Gi`…) or exponent (`1e3`, `2E6`) suffixes.
fn parse_quantity(text: &str) -> Option<f64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (number, suffix) = t.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => {
            let exp: i32 = s.get(1..)?.parse().ok()?;
            if !(-30..=30).contains(&exp) {
                return None;
            }
            10f64.powi(exp)
        }
        _ => return None,
    };
    let value = number * factor;
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// A memory quantity in bytes, rounded up as the API server does.
pub fn parse_memory(text: &str) -> Option<u64> {
    let v = parse_quantity(text)?.ceil();
    (v < u64::MAX as f64).then_some(v as u64)
}

/// A CPU quantity in cores (`500m` is 0.5).
pub fn parse_cpu(text: &str) -> Option<f64> {
    parse_quantity(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory() {
        assert_eq!(parse_memory("512Mi"), Some(512 * 1024 * 1024));
        assert_eq!(parse_memory("1G"), Some(1_000_000_000));
        assert_eq!(parse_memory("1e3"), Some(1000));
        assert_eq!(parse_memory("1.5Gi"), Some(1_610_612_736));
        assert_eq!(parse_memory("128974848"), Some(128_974_848));
        assert_eq!(parse_memory("129M"), Some(129_000_000));
        assert_eq!(parse_memory("100m"), Some(1));
        assert_eq!(parse_memory("1Xi"), None);
        assert_eq!(parse_memory("-1Gi"), None);
        assert_eq!(parse_memory(""), None);
    }

    #[test]
    fn cpu() {
        assert_eq!(parse_cpu("500m"), Some(0.5));
        assert_eq!(parse_cpu("1.5"), Some(1.5));
        assert_eq!(parse_cpu("2"), Some(2.0));
        assert_eq!(parse_cpu("0.1"), Some(0.1));
    }
}
