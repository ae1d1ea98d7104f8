//! How a container runs, normalised: `docker run` command lines, compose services,
//! Kubernetes pod containers and live containers all become the same [`Workload`], so a
//! rule is written once over this model and holds for every input.

pub mod compose;
pub mod kubernetes;
mod model;
pub mod yaml;

pub mod compare;
mod docker_opts;
pub mod docker_run;
pub mod inspect;
pub mod scripts;
pub mod shell_words;

pub use model::*;
