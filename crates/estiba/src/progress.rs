//! Download progress bars for registry layers, drawn on standard error only when it is a
//! terminal (a CI log or a redirected stream gets none).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use estiba_image::Progress;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One bar per blob being downloaded, all in one block on standard error.
#[derive(Debug)]
pub(crate) struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    /// Bars for this terminal, or `None` when standard error is not one.
    pub(crate) fn for_terminal() -> Option<Arc<dyn Progress>> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        Some(Arc::new(Bars {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            bars: Mutex::new(HashMap::new()),
        }))
    }

    fn bars(&self) -> std::sync::MutexGuard<'_, HashMap<String, ProgressBar>> {
        // A bar map left by a panicking thread is still a usable bar map.
        self.bars
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The look of every download bar: label, bar, bytes, rate.
pub(crate) fn style_download(bar: &ProgressBar) {
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
}

impl Progress for Bars {
    fn start(&self, id: &str, label: &str, total: Option<u64>) {
        let bar = match total {
            Some(total) => {
                let bar = ProgressBar::new(total);
                style_download(&bar);
                bar
            }
            None => ProgressBar::new_spinner(),
        };
        bar.set_prefix(label.to_owned());
        let bar = self.multi.add(bar);
        self.bars().insert(id.to_owned(), bar);
    }

    fn advance(&self, id: &str, bytes: u64) {
        if let Some(bar) = self.bars().get(id) {
            bar.inc(bytes);
        }
    }

    fn finish(&self, id: &str) {
        if let Some(bar) = self.bars().remove(id) {
            // Finished bars leave the screen: the findings are what stays.
            bar.finish_and_clear();
        }
    }
}
