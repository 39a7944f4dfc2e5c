# vcache in a container: one static binary, no shell, not root.
#   docker build -t vcache .
#   docker run --rm -p 6379:6379 vcache dev --bind 0.0.0.0 --dir '' # a whole local cluster in one container (memory only)
#   docker compose up                                                # 3 nodes + a proxy, see docker-compose.yml
#   docker build --target kubectl -t vcache:kubectl .                # with sh and kubectl, for --scale-out-command on Kubernetes
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/vcache ./cmd/vcache
# /data is where a node keeps its snapshot (--dir /data); an empty volume
# mounted there starts with this directory's owner, the image's user.
RUN mkdir -p /out/data
# The Chinese lexicon (FT.CREATE ... LANGUAGE chinese): Debian's friso-dict,
# where a node looks for it by default.
RUN apt-get update && apt-get install -y --no-install-recommends friso-dict && \
    cp -r /usr/share/friso/dict/UTF-8 /out/friso

# The same binary next to sh and kubectl, so that the coordinator's
# --scale-out-command can scale the StatefulSet (deploy/k8s/).
FROM bitnami/kubectl:1.31 AS kubectl
COPY --from=build /out/vcache /vcache
COPY --from=build /out/friso /usr/share/friso/dict/UTF-8
USER 1001
EXPOSE 6379 7946/tcp 7946/udp
ENTRYPOINT ["/vcache"]
CMD ["server", "--bind", "0.0.0.0", "--port", "6379"]

# The default image is the small one.
FROM gcr.io/distroless/static-debian12:nonroot AS default
COPY --from=build /out/vcache /vcache
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/friso /usr/share/friso/dict/UTF-8
USER nonroot:nonroot
EXPOSE 6379 7946/tcp 7946/udp
ENTRYPOINT ["/vcache"]
CMD ["server", "--bind", "0.0.0.0", "--port", "6379"]
