# A real Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, and kwok standing in for kubelets on fake GPU nodes.
# Sized for scale tests: a /16 service range (a /24 holds only 253 Services, one per
# Specialist) and controller-manager/scheduler API limits above the default 20 requests/s,
# which otherwise set the pace of every rollout.

bin_of() { # component binary
  echo "$(component_bin_dir "$1")/$2"
}

kubectl_admin() { "$(bin_of k8s kubectl)" --kubeconfig="$RUN_DIR/kubeconfig" "$@"; }

etcd_up() {
  is_running etcd && return 0
  local client peer; client=$(port_of etcd) peer=$(port_of etcd-peer)
  start_proc etcd "$(bin_of etcd etcd)" --name local --data-dir "$RUN_DIR/etcd" --unsafe-no-fsync \
    --log-level=warn --listen-client-urls="http://127.0.0.1:$client" --advertise-client-urls="http://127.0.0.1:$client" \
    --listen-peer-urls="http://127.0.0.1:$peer" --initial-advertise-peer-urls="http://127.0.0.1:$peer" \
    --initial-cluster="local=http://127.0.0.1:$peer" --listen-metrics-urls="http://127.0.0.1:$(port_of etcd-metrics)"
  wait_for etcd 30 curl -sf "http://127.0.0.1:$client/health"
}

apiserver_up() {
  local api; api=$(port_of apiserver)
  write_kubeconfig "$api"
  is_running apiserver && return 0
  local d="$RUN_DIR/pki"
  # ExtendedResourceToleration lets pods that request nvidia.com/gpu tolerate the GPU nodes'
  # taint, as on managed clusters; other pods stay off GPU nodes.
  start_proc apiserver "$(bin_of k8s kube-apiserver)" --etcd-servers="http://127.0.0.1:$(port_of etcd)" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api" \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" --client-ca-file="$d/ca.crt" \
    --service-account-issuer="https://127.0.0.1:$api" --service-account-key-file="$d/sa.key" \
    --service-account-signing-key-file="$d/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
    --authorization-mode=Node,RBAC --enable-admission-plugins=ExtendedResourceToleration \
    --disable-admission-plugins=ServiceAccount --allow-privileged=true --cert-dir="$d" \
    --enable-priority-and-fairness=false --profiling=false
  wait_for apiserver 90 curl -sf --cacert "$d/ca.crt" "https://127.0.0.1:$api/readyz"
}

controller_manager_up() {
  is_running controller-manager && return 0
  local kc="$RUN_DIR/kubeconfig"
  start_proc controller-manager "$(bin_of k8s kube-controller-manager)" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 \
    --secure-port="$(port_of controller-manager)" --leader-elect=false --root-ca-file="$RUN_DIR/pki/ca.crt" \
    --service-account-private-key-file="$RUN_DIR/pki/sa.key" --use-service-account-credentials=false \
    --controllers='*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route' \
    --kube-api-qps=100 --kube-api-burst=200
  wait_for controller-manager 60 curl -sfk "https://127.0.0.1:$(port_of controller-manager)/healthz"
}

scheduler_up() {
  is_running scheduler && return 0
  local kc="$RUN_DIR/kubeconfig"
  start_proc scheduler "$(bin_of k8s kube-scheduler)" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 \
    --secure-port="$(port_of scheduler)" --leader-elect=false --kube-api-qps=100 --kube-api-burst=200
  wait_for scheduler 60 curl -sfk "https://127.0.0.1:$(port_of scheduler)/healthz"
}

kwok_up() {
  is_running kwok && return 0
  local stages; stages="$(dirname "$(component_bin_dir kwok)")/stages.yaml"
  start_proc kwok "$(bin_of kwok kwok)" --kubeconfig="$RUN_DIR/kubeconfig" --config="$stages" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake --cidr=10.0.0.0/16 \
    --node-ip=10.0.0.1 --node-lease-duration-seconds=40 --server-address="127.0.0.1:$(port_of kwok)"
  wait_for kwok 30 curl -sf "http://127.0.0.1:$(port_of kwok)/healthz"
}
