package rag

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// OpenAIConfig configures an embedder that calls an OpenAI-compatible
// embeddings endpoint (OpenAI, Ollama, vLLM, llama.cpp server, ...).
type OpenAIConfig struct {
	// URL is the API base (http://127.0.0.1:11434/v1) or the full
	// embeddings URL (.../v1/embeddings).
	URL string
	// Model is the embedding model's name, sent as "model".
	Model string
	// Key, when set, is sent as "Authorization: Bearer <Key>".
	Key string
	// Batch is the most texts sent in one request.
	Batch int
	// Timeout bounds one request.
	Timeout time.Duration
}

// DefaultOpenAIConfig returns batches of 64 texts and a 60 s timeout; URL
// and Model must still be set.
func DefaultOpenAIConfig() OpenAIConfig {
	return OpenAIConfig{Batch: 64, Timeout: 60 * time.Second}
}

// Validate reports the first invalid field.
func (c OpenAIConfig) Validate() error {
	switch {
	case !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://"):
		return fmt.Errorf("embedding URL %q must start with http:// or https://", c.URL)
	case c.Model == "":
		return errors.New("an embedding URL needs a model name")
	case c.Batch < 1:
		return errors.New("embedding batch must be at least 1")
	case c.Timeout <= 0:
		return errors.New("embedding timeout must be positive")
	}
	return nil
}

// OpenAI is an Embedder that calls an OpenAI-compatible /embeddings
// endpoint. It is safe for concurrent use.
type OpenAI struct {
	cfg      OpenAIConfig
	endpoint string
	client   *http.Client
}

// NewOpenAI returns an embedder for cfg.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ep := strings.TrimRight(cfg.URL, "/")
	if !strings.HasSuffix(ep, "/embeddings") {
		ep += "/embeddings"
	}
	return &OpenAI{cfg: cfg, endpoint: ep, client: &http.Client{Timeout: cfg.Timeout}}, nil
}

type embeddingRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type embeddingResponse struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Embed sends texts in batches and returns their embeddings in order.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += o.cfg.Batch {
		batch := texts[start:min(start+o.cfg.Batch, len(texts))]
		vecs, err := o.post(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (o *OpenAI) post(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(embeddingRequest{Model: o.cfg.Model, Input: texts})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if o.cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+o.cfg.Key)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("embeddings: reading the reply: %w", err)
	}
	var er embeddingResponse
	jerr := json.Unmarshal(raw, &er)
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(raw))
		if jerr == nil && er.Error != nil && er.Error.Message != "" {
			msg = er.Error.Message
		}
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		return nil, fmt.Errorf("embeddings: %s answered %s: %s", o.endpoint, resp.Status, msg)
	}
	if jerr != nil {
		return nil, fmt.Errorf("embeddings: %s: bad JSON: %w", o.endpoint, jerr)
	}
	if len(er.Data) != len(texts) {
		return nil, fmt.Errorf("embeddings: %s returned %d embeddings for %d texts", o.endpoint, len(er.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for _, d := range er.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, fmt.Errorf("embeddings: %s returned a bad or repeated index %d", o.endpoint, d.Index)
		}
		out[d.Index] = d.Embedding
	}
	for _, v := range out {
		if len(v) == 0 || len(v) != len(out[0]) {
			return nil, fmt.Errorf("embeddings: %s returned empty or differently sized embeddings", o.endpoint)
		}
	}
	return out, nil
}
