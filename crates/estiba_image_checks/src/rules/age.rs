use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks when the image was built (`created` in its config) against today: an image
    /// older than the configured age (90 days by default) is reported. A missing or zero
    /// date (reproducible builds write `1970-01-01`) is not judged.
    ///
    /// ## Why is this bad?
    /// An image is a snapshot of its base and packages on the day it was built. Security
    /// fixes published since are not in it until it is rebuilt, even when its Dockerfile
    /// pins nothing.
    ///
    /// ## Example
    /// An image built a year ago and deployed today.
    ///
    /// Use instead: rebuild images on a schedule (weekly is common) as well as on change.
    pub struct ImageAge {
        code: "IM009",
        name: "image-age",
        title: "The image was built too long ago",
        severity: Medium,
        practice: P3,
        target: Image,
        references: [],
        fix: None,
        remediation: "Rebuild the image (with `--pull` to refresh its base) and redeploy; schedule regular rebuilds.",
    }
}

impl ImageCheck for ImageAge {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let Some(created) = cx.config.created.as_deref() else {
            return;
        };
        let Some(age) = age_days(created, &cx.settings.today) else {
            return;
        };
        if age > i64::from(cx.settings.max_age_days) {
            out.report(
                None,
                Some("config.created".to_owned()),
                format!(
                    "the image was built {age} days ago ({}), more than {} days",
                    created.get(..10).unwrap_or(created),
                    cx.settings.max_age_days
                ),
            );
        }
    }
}

/// Days from `created` (RFC 3339) to `today` (`YYYY-MM-DD`). Day 0 is the epoch: what
/// reproducible builds record, not a build date, so it gives `None`.
pub(crate) fn age_days(created: &str, today: &str) -> Option<i64> {
    let (built, today) = (day_number(created)?, day_number(today)?);
    (built > 0).then_some(today - built)
}

/// Days since 1970-01-01 of an RFC 3339 timestamp or a `YYYY-MM-DD` date, in the
/// proleptic Gregorian calendar (the classic days-from-civil computation).
fn day_number(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::day_number;

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01T00:00:00Z"), Some(11_017));
        assert_eq!(day_number("2026-12-05"), Some(20_792));
        assert_eq!(
            day_number("2024-02-29")
                .zip(day_number("2024-03-01"))
                .map(|(a, b)| b - a),
            Some(1)
        );
        assert_eq!(day_number("yesterday"), None);
        assert_eq!(day_number("2026-13-01"), None);
    }
}
