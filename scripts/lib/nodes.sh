# Fake nodes for kwok: GPU nodes with nvidia.com/gpu allocatable and the labels NVIDIA's GPU
# feature discovery puts on real ones, tainted like managed clusters taint GPU nodes.

# Emits one Node manifest. Status is kept as sent on create, and kwok keeps allocatable.
node_manifest() { # name product gpus
  local name=$1 product=$2 gpus=$3 gpu_labels="" taints="[]" gpu_res=""
  if [ "$gpus" -gt 0 ]; then
    gpu_labels="nvidia.com/gpu.present: \"true\", nvidia.com/gpu.product: $product, nvidia.com/gpu.count: \"$gpus\","
    taints='[{key: nvidia.com/gpu, value: present, effect: NoSchedule}]'
    gpu_res=", nvidia.com/gpu: \"$gpus\""
  fi
  cat <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations: {node.alpha.kubernetes.io/ttl: "0", kwok.x-k8s.io/node: fake}
  labels: {$gpu_labels kubernetes.io/hostname: $name, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok, slm.dev/node-pool: ${product:-cpu}}
spec:
  taints: $taints
status:
  capacity: {cpu: "64", memory: 512Gi, pods: "110"$gpu_res}
  allocatable: {cpu: "64", memory: 512Gi, pods: "110"$gpu_res}
---
NODE
}

# Creates the nodes that do not exist yet (counts from flags; see usage).
nodes_up() { # l4 h100 cpu
  local i out="$RUN_DIR/nodes.yaml"
  : >"$out"
  for ((i = 0; i < $1; i++)); do node_manifest "gpu-l4-$i" NVIDIA-L4 8 >>"$out"; done
  for ((i = 0; i < $2; i++)); do node_manifest "gpu-h100-$i" NVIDIA-H100-80GB-HBM3 8 >>"$out"; done
  for ((i = 0; i < $3; i++)); do node_manifest "cpu-$i" "" 0 >>"$out"; done
  if ! kubectl_admin create -f "$out" >"$LOG_DIR/nodes.log" 2>&1; then
    grep -i error "$LOG_DIR/nodes.log" | grep -qv AlreadyExists && die "creating nodes failed; see $LOG_DIR/nodes.log"
  fi
  local want=$(($1 + $2 + $3))
  local kubectl; kubectl="$(bin_of k8s kubectl) --kubeconfig=$RUN_DIR/kubeconfig"
  local secs=$((60 + want / 5))
  wait_for kwok "$secs" sh -c "[ \$($kubectl get nodes --no-headers 2>/dev/null | grep -c ' Ready') -ge $want ]"
  # The node lifecycle controller lifts the not-ready taint once kwok reports the node Ready.
  wait_for controller-manager "$secs" sh -c "! $kubectl get nodes -o jsonpath='{.items[*].spec.taints[*].key}' | grep -q not-ready"
}
