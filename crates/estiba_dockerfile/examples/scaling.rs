//! Times pathological inputs at two sizes, to check that parsing stays linear.

use std::time::Instant;

const SMALL: usize = 80_000;

fn time(label: &str, make: impl Fn(usize) -> String) {
    let mut times = Vec::new();
    for n in [SMALL, SMALL * 4] {
        let text = make(n);
        let mut best = f64::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            let parsed = estiba_dockerfile::parse(&text);
            let model = estiba_dockerfile::semantic::Model::new(&parsed);
            for i in 0..parsed.instructions.len() {
                let _ = model.scope(i).is_declared("NOPE");
            }
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.push(best);
    }
    #[allow(clippy::print_stdout)]
    {
        println!(
            "{label}: n {:.1} ms, 4n {:.1} ms (ratio {:.1})",
            times[0],
            times[1],
            times[1] / times[0]
        );
    }
}

fn main() {
    time("unterminated heredocs", |n| {
        (0..n)
            .map(|i| format!("RUN <<EOF{i}\n"))
            .collect::<String>()
    });
    time("stage chain", |n| {
        let mut t = String::from("FROM a AS s0\n");
        for i in 1..n {
            t.push_str(&format!("FROM s{} AS s{i}\nENV E{i}=$V\n", i - 1));
        }
        t
    });
    time("lines", |n| {
        (0..n)
            .map(|i| format!("RUN echo {i}\n"))
            .collect::<String>()
    });
    time("continuation", |n| {
        format!("RUN a \\\n{}b\n", "  && x \\\n  # c\n\n".repeat(n))
    });
    time("one line", |n| {
        format!("RUN {}\n", "ab <<EOF $x \"q\" ".repeat(n))
    });
    time("env pairs", |n| {
        format!("FROM a\nENV {}\n", "a=b ".repeat(n))
    });
    time("onbuild", |n| {
        format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(n))
    });
    time("json", |n| {
        format!("CMD [{}\"x\"]\n", "\"a\\u00e9\", ".repeat(n))
    });
}
