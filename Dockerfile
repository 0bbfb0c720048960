# feedpub in a small image, FROM scratch: the static binary, CA certificates
# (for S3 over HTTPS), /tmp, and a non-root user; no shell, no libc, and no
# base image, so building it needs no registry and no daemon:
#
#   make image                          # buildah (or podman/docker) with .ci/image
#   docker run --rm -v "$PWD:/site" feedpub:VERSION publish
#
# The build context's build/image/ is the root file system .ci/image lays
# out (the binary from `make image`, or a release's).

FROM scratch
COPY build/image/ /
COPY --chown=65532:65532 build/image/home/nonroot/ /home/nonroot/
COPY --chown=65532:65532 build/image/site/ /site/
USER 65532:65532
# feedpub keeps the key that signs its caches in $HOME/.cache/feedpub:
# mount a volume there to keep it across runs.
ENV HOME=/home/nonroot
WORKDIR /site
ENTRYPOINT ["/usr/local/bin/feedpub"]
CMD ["--help"]
