# cpsfgraph server image: a static binary on a minimal base, run as non-root.
# Build: docker build -t cpsfgraph .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/cpsfgraph ./cmd/cpsfgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cpsfgraph /usr/local/bin/cpsfgraph
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/cpsfgraph"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
