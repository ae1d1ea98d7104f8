use std::fmt;

use serde::{Deserialize, Serialize};

/// The container-security practices every rule traces back to; used as rule categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Practice {
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    P7,
    P8,
    P9,
    P10,
    P11,
    P12,
    P13,
}

impl Practice {
    pub const ALL: [Practice; 13] = [
        Practice::P1,
        Practice::P2,
        Practice::P3,
        Practice::P4,
        Practice::P5,
        Practice::P6,
        Practice::P7,
        Practice::P8,
        Practice::P9,
        Practice::P10,
        Practice::P11,
        Practice::P12,
        Practice::P13,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Practice::P1 => "P1",
            Practice::P2 => "P2",
            Practice::P3 => "P3",
            Practice::P4 => "P4",
            Practice::P5 => "P5",
            Practice::P6 => "P6",
            Practice::P7 => "P7",
            Practice::P8 => "P8",
            Practice::P9 => "P9",
            Practice::P10 => "P10",
            Practice::P11 => "P11",
            Practice::P12 => "P12",
            Practice::P13 => "P13",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Practice::P1 => "trusted base images",
            Practice::P2 => "minimal images",
            Practice::P3 => "images kept up to date",
            Practice::P4 => "least privilege",
            Practice::P5 => "only needed ports",
            Practice::P6 => "no secrets in images",
            Practice::P7 => "vulnerabilities scanned",
            Practice::P8 => "capabilities limited",
            Practice::P9 => "restrictive networks",
            Practice::P10 => "signed and verified images",
            Practice::P11 => "no needless shell work",
            Practice::P12 => "read-only filesystems and mounts",
            Practice::P13 => "prioritise and keep going in CI",
        }
    }
}

impl fmt::Display for Practice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
