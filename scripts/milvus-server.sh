#!/usr/bin/env bash
# A real Milvus standalone server (the registry package `milvus`, which ships the server binary)
# for the tests and the Milvus benchmarks, on loopback.
#
#   scripts/milvus-server.sh install            # the server's own virtual env (.milvus-venv)
#   scripts/milvus-server.sh run DATA_DIR PORT  # run in the foreground until killed (SIGTERM/SIGINT)
#
# The server lives in its own virtual env: its pins (an older pymilvus, grpcio) would conflict
# with the project's. Milvus 2.3.9 is the newest release on the registry's index but has no
# Linux wheel there; 2.3.5 is the newest with one. It has no BM25 function and no sparse
# vectors, so the project keeps BM25 on the client side with it (index.milvus_store).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${MILVUS_SERVER_VERSION:-2.3.5}"
VENV=".milvus-venv"
PYTHON="${PYTHON:-python3}"

install() {
    if [ -x "$VENV/bin/milvus-server" ] && "$VENV/bin/python" -c "import milvus, sys; sys.exit(milvus.__version__ != '$VERSION')" 2>/dev/null; then
        return 0
    fi
    test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "milvus==$VERSION" >&2
}

case "${1:-}" in
    install)
        install
        ;;
    run)
        data_dir="${2:?usage: $0 run DATA_DIR PORT}"
        port="${3:?usage: $0 run DATA_DIR PORT}"
        install
        mkdir -p "$data_dir"
        # The proxy (the client port) is the one asked for; the launcher picks the other ports
        # free, except the embedded etcd's peer port 2380 (so one such server a machine). The
        # launcher has no bind-address option: the server listens on every interface, the
        # project's clients use 127.0.0.1 only. Stop it with SIGINT/SIGTERM to its process group.
        exec "$VENV/bin/milvus-server" --data "$data_dir" --proxy-port "$port"
        ;;
    *)
        echo "usage: $0 install | run DATA_DIR PORT" >&2
        exit 2
        ;;
esac
