// Package deploycheck validates the deployment files that no Docker engine
// runs here: docker-compose.yml is parsed and checked against what the
// README promises, and the Dockerfile against our rules (multi-stage, static
// binary, non-root user).
package deploycheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

type compose struct {
	Name     string `yaml:"name"`
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
		Restart     string            `yaml:"restart"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck *struct {
			Test        []string `yaml:"test"`
			Interval    string   `yaml:"interval"`
			Timeout     string   `yaml:"timeout"`
			Retries     int      `yaml:"retries"`
			StartPeriod string   `yaml:"start_period"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func root(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestComposeFile(t *testing.T) {
	// Strict: a key this check does not know (a typo such as "helthcheck")
	// fails, so extend the struct when the file grows.
	var c compose
	if err := yaml.UnmarshalWithOptions(root(t, "docker-compose.yml"), &c, yaml.Strict()); err != nil {
		t.Fatalf("docker-compose.yml does not parse: %v", err)
	}
	neo, ok := c.Services["neo4j"]
	if !ok {
		t.Fatal("no neo4j service")
	}
	if neo.Image != "neo4j:5.26-community" {
		t.Errorf("neo4j image %q, want neo4j:5.26-community", neo.Image)
	}
	if neo.Healthcheck == nil || len(neo.Healthcheck.Test) == 0 || neo.Healthcheck.Retries == 0 {
		t.Error("neo4j needs a health check")
	}
	named := false
	for _, v := range neo.Volumes {
		src, dst, _ := strings.Cut(v, ":")
		if dst == "/data" {
			if _, ok := c.Volumes[src]; ok {
				named = true
			}
		}
	}
	if !named {
		t.Error("neo4j /data must be a named volume declared under volumes:")
	}
	app, ok := c.Services["cpsfgraph"]
	if !ok {
		t.Fatal("no cpsfgraph service")
	}
	if app.Build == nil {
		t.Error("cpsfgraph must be built from the Dockerfile")
	}
	if app.DependsOn["neo4j"].Condition != "service_healthy" {
		t.Error("cpsfgraph must wait for a healthy neo4j")
	}
	if !strings.HasPrefix(app.Environment["NEO4J_URI"], "bolt://neo4j:") {
		t.Errorf("NEO4J_URI = %q", app.Environment["NEO4J_URI"])
	}
	if strings.Join(app.Command, " ") == "" || !strings.Contains(strings.Join(app.Command, " "), "--store bolt://neo4j:7687") {
		t.Errorf("command %v must point the server at neo4j", app.Command)
	}
	for _, p := range app.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %q should bind to loopback by default", p)
		}
	}
}

func TestDockerfile(t *testing.T) {
	d := string(root(t, "Dockerfile"))
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(d, -1)); n < 2 {
		t.Errorf("want a multi-stage build, found %d FROM lines", n)
	}
	if !strings.Contains(d, "CGO_ENABLED=0") {
		t.Error("the binary must be static (CGO_ENABLED=0)")
	}
	if !regexp.MustCompile(`(?m)^USER [1-9][0-9]*`).MatchString(d) {
		t.Error("the image must run as a non-root user")
	}
	if !strings.Contains(d, "./cmd/cpsfgraph") {
		t.Error("the image must build cmd/cpsfgraph")
	}
}
