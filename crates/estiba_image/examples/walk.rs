//! Walks one image and prints what the index holds: a quick way to time the layer walk
//! on a real archive (`cargo run --release -p estiba_image --example walk -- SOURCE`).

use estiba_image::{OpenOptions, open_str, walk};

#[allow(clippy::print_stdout, clippy::print_stderr)] // an example prints its result
fn main() {
    let Some(source) = std::env::args().nth(1) else {
        eprintln!(
            "usage: walk SOURCE   (docker-archive:PATH, oci:DIR, oci-archive:PATH, dir:PATH)"
        );
        std::process::exit(2);
    };
    let options = OpenOptions::default();
    let result =
        open_str(&source, &options).and_then(|image| walk(image.as_ref(), &options.limits, &[]));
    match result {
        Ok(report) => {
            println!(
                "{} paths, {} layers, {} shadowed versions, {} wasted bytes, {} anomalies",
                report.fs.len(),
                report.layers.len(),
                report.fs.shadowed().len(),
                report.wasted_bytes(),
                report.anomalies().count()
            );
        }
        Err(err) => {
            eprintln!("{source}: {err}");
            std::process::exit(2);
        }
    }
}
