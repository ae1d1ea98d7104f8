//! The semantic model: stages, stage references and ARG/ENV scoping.

use estiba_dockerfile::expand::Lookup;
use estiba_dockerfile::semantic::{Model, Reference};
use estiba_dockerfile::{Word, parse};

fn word(value: &str) -> Word {
    Word {
        value: value.to_owned(),
        range: Default::default(),
    }
}

const MULTI_STAGE: &str = "\
ARG BASE=alpine
ARG TAG=3.20
ARG UNUSED
FROM --platform=$BUILDPLATFORM ${BASE}:${TAG} AS Build
ARG TAG
ARG LOCAL=local
ENV PATH=/opt/bin:$PATH HOME=/root
RUN echo $TAG $LOCAL $BASE
FROM build AS test
RUN make test
FROM scratch
COPY --from=BUILD /out /out
COPY --from=1 /x /x
COPY --from=nginx:latest /etc/nginx /etc/nginx
COPY --from=7 /y /y
";

/// Validates stage boundaries, names, bases and the final stage.
#[test]
fn stage_graph() {
    let df = parse(MULTI_STAGE);
    let model = Model::new(&df);
    let stages = model.stages();
    assert_eq!(stages.len(), 3);
    assert_eq!(stages[0].name.as_deref(), Some("build"));
    assert_eq!(stages[0].alias.as_ref().map(Word::as_str), Some("Build"));
    assert_eq!(stages[0].base.raw, "${BASE}:${TAG}");
    assert_eq!(stages[0].base.value, "alpine:3.20");
    assert!(stages[0].base.is_fully_resolved());
    let platform = stages[0].platform.as_ref().expect("platform");
    assert_eq!(platform.unresolved, ["BUILDPLATFORM"]);
    assert_eq!(stages[0].instructions, 3..8);
    assert_eq!(stages[1].base_stage, Some(0));
    assert!(stages[2].is_scratch());
    assert_eq!(model.final_stage().map(|s| s.index), Some(2));
    assert_eq!(model.stage_of(0), None);
    assert_eq!(model.stage_of(7), Some(0));
    assert_eq!(model.stage_of(14), Some(2));
    assert_eq!(model.stage_by_name("BUILD").map(|s| s.index), Some(0));
    assert_eq!(model.global_args().len(), 3);
    assert_eq!(model.global_args()[2].value, None);

    assert_eq!(model.copy_source(&df, 11), Some(Reference::Stage(0)));
    assert_eq!(model.copy_source(&df, 12), Some(Reference::Stage(1)));
    assert_eq!(
        model.copy_source(&df, 13),
        Some(Reference::Image("nginx:latest".into()))
    );
    assert_eq!(model.copy_source(&df, 14), Some(Reference::MissingStage(7)));
    assert_eq!(model.copy_source(&df, 7), None);
    assert_eq!(model.dependencies(&df, 2), [0, 1]);
    assert_eq!(model.dependencies(&df, 1), [0]);
}

/// Validates Docker's ARG scoping: global ARGs only in FROM unless re-declared; stage
/// ARG/ENV in order; ENV over ARG; inheritance through `FROM <stage>`.
#[test]
fn arg_and_env_scoping() {
    let df = parse(MULTI_STAGE);
    let model = Model::new(&df);
    // In the RUN of stage 0: TAG re-declared (global value), LOCAL set, BASE not visible.
    let run = model.expand(7, &word("$TAG $LOCAL $BASE"));
    assert_eq!(run.value, "3.20 local ");
    assert_eq!(run.unresolved, ["BASE"]);
    // Before `ARG LOCAL` it is not declared.
    let scope = model.scope(4);
    assert_eq!(scope.get("TAG"), None);
    assert!(!scope.is_declared("LOCAL"));
    let scope = model.scope(7);
    assert_eq!(scope.get("LOCAL"), Some("local"));
    assert!(scope.is_env("HOME"));
    // PATH was unknown when ENV expanded it, so it stays unresolved.
    let path = model.expand(7, &word("$PATH"));
    assert_eq!(path.value, "/opt/bin:");
    assert_eq!(path.unresolved, ["PATH"]);
    // FROM lines see global ARGs and the platform ARGs.
    assert!(model.scope(3).is_declared("TARGETARCH"));
    assert_eq!(model.scope(3).get("BASE"), Some("alpine"));
    // A stage built on another inherits its ENV and ARGs.
    let scope = model.scope(9);
    assert_eq!(scope.get("HOME"), Some("/root"));
    assert_eq!(scope.get("LOCAL"), Some("local"));
    // ...but an unrelated stage does not.
    assert_eq!(model.scope(11).get("HOME"), None);

    let df = parse("FROM a\nARG X=arg\nENV X=env\nARG X=again\nRUN echo $X\n");
    let model = Model::new(&df);
    assert_eq!(model.scope(4).get("X"), Some("env"));
    let df = parse("FROM a\nENV A=1\nENV A=2 B=$A\nRUN x\n");
    assert_eq!(Model::new(&df).scope(3).get("B"), Some("1"));
}

/// Validates build-arg overrides for global and stage ARGs, and that they only apply to
/// declared ARGs.
#[test]
fn build_arg_overrides() {
    let df = parse(MULTI_STAGE);
    let model = Model::with_build_args(&df, &[("TAG", "edge"), ("LOCAL", "cli"), ("OTHER", "x")]);
    assert_eq!(model.stages()[0].base.value, "alpine:edge");
    assert_eq!(model.scope(7).get("TAG"), Some("edge"));
    assert_eq!(model.scope(7).get("LOCAL"), Some("cli"));
    assert_eq!(model.scope(7).get("OTHER"), None);
}

/// Validates that unresolved variables propagate through defaults and are reported.
#[test]
fn unresolved_propagation() {
    let df =
        parse("ARG VERSION\nARG IMAGE=python:${VERSION}-slim\nFROM $IMAGE\nFROM ${MISSING:-x}\n");
    let model = Model::new(&df);
    let stages = model.stages();
    assert_eq!(stages[0].base.value, "python:-slim");
    assert_eq!(stages[0].base.unresolved, ["VERSION"]);
    assert!(!stages[0].base.is_fully_resolved());
    assert_eq!(stages[1].base.value, "x");
    assert_eq!(stages[1].base.unresolved, ["MISSING"]);
    let df = parse("FROM ${A:?need A}\n");
    let model = Model::new(&df);
    assert!(model.stages()[0].base.error.is_some());
}

/// Validates that a base naming a later stage is an image, as stages only build on
/// earlier ones.
#[test]
fn base_must_be_earlier_stage() {
    let df = parse("FROM later AS first\nFROM alpine AS later\nFROM first\n");
    let model = Model::new(&df);
    assert_eq!(model.stages()[0].base_stage, None);
    assert_eq!(model.stages()[2].base_stage, Some(0));
}

/// Validates `RUN --mount=from=` dependencies and the escape directive in expansion.
#[test]
fn mounts_and_escape() {
    let df = parse(
        "# escape=`\nFROM a AS deps\nFROM b\nRUN --mount=type=cache,from=deps,target=/x make\n",
    );
    let model = Model::new(&df);
    assert_eq!(model.dependencies(&df, 1), [0]);
    let df = parse("# escape=`\nFROM a\nENV A=x`$y\nRUN x\n");
    assert_eq!(Model::new(&df).scope(3).get("A"), Some("x$y"));
}
