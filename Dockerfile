# feedpub in a small image: a static binary on distroless/static (CA
# certificates for S3 over HTTPS, tzdata, a non-root user; no shell, no libc).
#
#   docker build -t feedpub .          # or: make image
#   docker run --rm -v "$PWD:/site" feedpub publish
#
# On Linux add --user "$(id -u):$(id -g)" so the image's non-root user may
# write public/ and .feedpub/ into your folder.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# make image passes these; the date is the commit's, not the build's.
ARG VERSION=0.1.0-dev
ARG COMMIT=
ARG DATE=
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/feedpub ./cmd/feedpub

FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /out/feedpub /usr/local/bin/feedpub
USER nonroot:nonroot
WORKDIR /site
ENTRYPOINT ["feedpub"]
CMD ["--help"]
