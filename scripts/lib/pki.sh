# Certificates for the control plane (openssl): a CA, the apiserver's serving cert, an
# admin client cert in system:masters, and the service-account signing key.

pki_up() {
  local d="$RUN_DIR/pki"
  [ -f "$d/admin.crt" ] && return 0
  mkdir -p "$d"
  local log="$LOG_DIR/pki.log"
  (
    cd "$d" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=slm-fleet-local-ca" &&
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >apiserver.ext &&
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile apiserver.ext &&
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin" &&
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext &&
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile admin.ext &&
    openssl genrsa -out sa.key 2048
  ) >"$log" 2>&1 || die "pki: creating certificates failed; see $log"
}

write_kubeconfig() { # api-port
  local d="$RUN_DIR/pki"
  cat >"$RUN_DIR/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: slm-fleet-local
  cluster:
    server: https://127.0.0.1:$1
    certificate-authority: $d/ca.crt
users:
- name: admin
  user:
    client-certificate: $d/admin.crt
    client-key: $d/admin.key
contexts:
- name: slm-fleet-local
  context: {cluster: slm-fleet-local, user: admin}
current-context: slm-fleet-local
KC
}
