use serde::{Deserialize, Serialize};

/// A point in a text file: 1-based line and column (columns count Unicode scalar
/// values, which SARIF calls `unicodeCodePoints`), plus the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A half-open region of a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Where a finding is. Files are the Dockerfile/compose/manifest case; images and
/// containers are for later targets, so reports must handle every variant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    File {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        span: Option<Span>,
    },
    Image {
        image: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        layer: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
    },
    Container {
        container: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
}

impl Location {
    pub fn file(path: impl Into<String>, span: Option<Span>) -> Self {
        Location::File {
            path: path.into(),
            span,
        }
    }

    /// The file path, image or container the finding is attached to.
    pub fn subject(&self) -> &str {
        match self {
            Location::File { path, .. } => path,
            Location::Image { image, .. } => image,
            Location::Container { container, .. } => container,
        }
    }

    pub fn span(&self) -> Option<&Span> {
        match self {
            Location::File { span, .. } => span.as_ref(),
            _ => None,
        }
    }

    /// First line of the span, when the location is inside a text file.
    pub fn line(&self) -> Option<u32> {
        self.span().map(|s| s.start.line)
    }
}
