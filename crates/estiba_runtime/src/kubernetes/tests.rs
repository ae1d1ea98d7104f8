use super::*;

fn load(text: &str) -> KubernetesManifests {
    from_str(text, "k.yaml", &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn find<'a>(m: &'a KubernetesManifests, name: &str) -> &'a Workload {
    m.workloads
        .iter()
        .find(|w| w.name == name)
        .unwrap_or_else(|| {
            panic!(
                "{name} not in {:?}",
                m.workloads.iter().map(|w| &w.name).collect::<Vec<_>>()
            )
        })
}

const DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web, tier: front}
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostNetwork: true
      hostUsers: false
      serviceAccountName: builder
      securityContext:
        runAsUser: 1000
        runAsGroup: 3000
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      initContainers:
        - name: init
          image: busybox
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
      containers:
        - name: app
          image: example.invalid/web:1.0
          imagePullPolicy: Always
          securityContext:
            runAsUser: 0
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              add: [NET_BIND_SERVICE]
              drop: [all]
            seccompProfile: {type: Unconfined}
            seLinuxOptions: {type: spc_t}
          ports:
            - containerPort: 80
              hostPort: 8080
              hostIP: 127.0.0.1
            - containerPort: 9090
          resources:
            limits: {memory: 512Mi, cpu: 500m}
          livenessProbe:
            httpGet: {path: /, port: 80}
          env:
            - {name: A, value: "1"}
            - name: B
              valueFrom:
                secretKeyRef: {name: db, key: password}
          envFrom:
            - configMapRef: {name: settings}
          volumeMounts:
            - {name: sock, mountPath: /var/run/docker.sock, readOnly: true}
            - {name: root, mountPath: /host, mountPropagation: Bidirectional}
            - {name: cache, mountPath: /cache}
      volumes:
        - name: sock
          hostPath: {path: /var/run/docker.sock}
        - name: root
          hostPath: {path: /}
        - name: cache
          emptyDir: {}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector:
    matchExpressions:
      - {key: tier, operator: In, values: [front]}
"#;

#[test]
fn maps_a_deployment() {
    let m = load(DEPLOYMENT);
    assert_eq!(m.workloads.len(), 2);
    let app = find(&m, "Deployment/web › app");
    assert_eq!(app.source, SourceKind::Kubernetes);
    assert_eq!(app.user.value.as_deref(), Some("0:3000"));
    assert!(app.security.no_new_privileges.value);
    assert!(app.read_only_rootfs.value);
    assert_eq!(app.cap_add[0].value, "NET_BIND_SERVICE");
    assert_eq!(app.cap_drop[0].value, "ALL");
    assert_eq!(app.security.seccomp.value, Profile::Unconfined);
    assert_eq!(app.security.apparmor.value, Profile::Unconfined);
    assert!(app.security.selinux_disabled.value);
    assert_eq!(app.namespaces.network.value, NamespaceMode::Host);
    assert_eq!(app.namespaces.user.value, NamespaceMode::Private);
    assert_eq!(app.ports.len(), 1);
    assert_eq!(app.ports[0].value.host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(app.resources.memory.value, Some(512 << 20));
    assert_eq!(app.resources.cpus.value, Some(0.5));
    assert_eq!(app.resources.pids.value, None);
    assert_eq!(app.restart.value, RestartPolicy::No);
    assert_eq!(app.healthcheck.value, Healthcheck::Defined);
    assert_eq!(app.env[0].value.value, EnvValue::Literal("1".into()));
    assert_eq!(
        app.env[1].value.value,
        EnvValue::Reference("secret db/password".into())
    );
    assert_eq!(
        app.env[2].value.value,
        EnvValue::Reference("envFrom configMap settings".into())
    );
    let mounts: Vec<_> = app
        .mounts
        .iter()
        .map(|m| {
            (
                m.value.kind,
                m.value.source.as_str(),
                m.value.read_only,
                m.value.propagation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            (MountKind::Bind, "/var/run/docker.sock", true, None),
            (MountKind::Bind, "/", false, Some("rshared")),
            (MountKind::Volume, "", false, None),
        ]
    );
    let k = app.kubernetes.as_ref().unwrap();
    assert_eq!(k.kind, "Deployment");
    assert_eq!(k.namespace.as_deref(), Some("shop"));
    assert_eq!(k.run_as_non_root.value, Some(true));
    assert!(!k.automount_service_account_token.value);
    assert!(k.automount_service_account_token.at.is_some());
    assert_eq!(k.service_account.as_deref(), Some("builder"));
    assert_eq!(k.image_pull_policy.value.as_deref(), Some("Always"));
    assert_eq!(k.selected_by_network_policy, Some(true));
    assert_eq!(k.allow_privilege_escalation.value, Some(false));

    let init = find(&m, "Deployment/web › init (init container)");
    assert!(init.privileged.value);
    // Privileged forces escalation whatever allowPrivilegeEscalation says.
    assert!(!init.security.no_new_privileges.value);
    assert_eq!(init.user.value.as_deref(), Some("1000:3000"));
    assert_eq!(init.security.seccomp.value, Profile::Default);
    assert!(matches!(
        &init.security.seccomp.at,
        Some(Location::File { line: 21, .. })
    ));
}

#[test]
fn all_pod_bearing_kinds_and_lists() {
    let text = r#"
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p, annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}}
    spec:
      containers: [{name: c, image: a}]
      ephemeralContainers: [{name: dbg, image: busybox}]
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: cj}
    spec:
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers: [{name: c, image: a}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec: {template: {spec: {containers: [{name: c}]}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
spec: {template: {spec: {hostPID: true, containers: [{name: c}]}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {template: {spec: {containers: [{name: c}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: c}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: svc}
---
just: a mapping
"#;
    let m = load(text);
    let names: Vec<_> = m.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Pod/p › c",
            "Pod/p › dbg (ephemeral container)",
            "CronJob/cj › c",
            "StatefulSet/s › c",
            "DaemonSet/d › c",
            "ReplicationController/rc › c",
            "Job/j › c"
        ]
    );
    let pod = find(&m, "Pod/p › c");
    assert_eq!(pod.restart.value, RestartPolicy::Always);
    assert_eq!(pod.security.seccomp.value, Profile::Unconfined);
    assert!(
        pod.kubernetes
            .as_ref()
            .unwrap()
            .automount_service_account_token
            .value
    );
    assert_eq!(
        pod.kubernetes.as_ref().unwrap().selected_by_network_policy,
        None
    );
    assert_eq!(
        find(&m, "CronJob/cj › c").restart.value,
        RestartPolicy::OnFailure(None)
    );
    assert_eq!(
        find(&m, "DaemonSet/d › c").namespaces.pid.value,
        NamespaceMode::Host
    );
    assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
}

#[test]
fn classifies_by_content() {
    let parse = |t: &str| {
        crate::yaml::parse_documents(t.as_bytes(), Path::new("x.yml"), &Limits::default()).unwrap()
    };
    assert_eq!(
        classify(&parse("services:\n  a: {image: x}\n")),
        YamlKind::Compose
    );
    assert_eq!(
        classify(&parse("version: '2'\nservices:\n  a: {}\n")),
        YamlKind::Compose
    );
    assert_eq!(
        classify(&parse("apiVersion: v1\nkind: Pod\n")),
        YamlKind::Kubernetes
    );
    assert_eq!(
        classify(&parse("---\n---\napiVersion: v1\nkind: Pod\n")),
        YamlKind::Kubernetes
    );
    assert_eq!(classify(&parse("foo: bar\n")), YamlKind::Other);
}

#[test]
fn openshift_deployment_configs_are_workloads() {
    let m = load(
        "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata:\n  name: dc\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n          securityContext:\n            privileged: true\n",
    );
    assert_eq!(m.workloads.len(), 1);
    let w = &m.workloads[0];
    assert!(w.privileged.value);
    assert_eq!(
        w.kubernetes.as_ref().map(|k| k.kind.as_str()),
        Some("DeploymentConfig")
    );
}
