// Command knative-validate runs Knative's own admission logic over manifests, without a cluster:
// every resource of a kind that Knative Serving's or Knative Eventing's webhook handles is decoded
// the way that webhook decodes it, defaulted (SetDefaults) and validated (Validate) within a create,
// with a context that carries Knative's default configuration (config-defaults, config-features,
// config-autoscaler; config-br-defaults, config-ping-defaults, eventing's config-features), so
// limits such as the maximum revision timeout apply. PingSource schedules go through eventing's
// own PingSource validation (robfig/cron, as the PingSource adapter parses them).
//
//	knative-validate [-namespace NS] [-json] FILE...    (FILE "-" reads standard input)
//
// Exit status: 0 when every resource passes, 1 when any is rejected, 2 on a usage or read error.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	_ "time/tzdata" // PingSource time zones resolve on machines without a zoneinfo database.

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"knative.dev/pkg/apis"
	knjson "knative.dev/pkg/webhook/json"
	"knative.dev/pkg/webhook/resourcesemantics"
	"sigs.k8s.io/yaml"

	eventingconfig "knative.dev/eventing/pkg/apis/config"
	eventingv1 "knative.dev/eventing/pkg/apis/eventing/v1"
	"knative.dev/eventing/pkg/apis/feature"
	pingconfig "knative.dev/eventing/pkg/apis/sources/config"
	sourcesv1 "knative.dev/eventing/pkg/apis/sources/v1"

	servingconfig "knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
	servingv1beta1 "knative.dev/serving/pkg/apis/serving/v1beta1"
	autoscalerconfig "knative.dev/serving/pkg/autoscaler/config"
)

// webhook is one of Knative's admission webhooks: the kinds it handles, whether it rejects unknown
// fields while decoding (as its admission controller is configured), and the configuration it
// puts in the context of SetDefaults and Validate.
type webhook struct {
	name                  string
	types                 map[schema.GroupVersionKind]resourcesemantics.GenericCRD
	disallowUnknownFields bool
	withConfig            func(context.Context) context.Context
}

// The data of the ConfigMaps Knative ships that have any: eventing v0.47.0's
// config/core/configmaps/default-broker.yaml (config-br-defaults, which has no default in code) and
// features.yaml (config-features). Serving's config-defaults, config-features and config-autoscaler
// and eventing's config-ping-defaults ship only `_example`, so their defaults are those in code.
var (
	eventingBrokerDefaults = map[string]string{
		"default-br-config": `clusterDefault:
  brokerClass: MTChannelBasedBroker
  apiVersion: v1
  kind: ConfigMap
  name: config-br-default-channel
  namespace: knative-eventing
  delivery:
    retry: 10
    backoffPolicy: exponential
    backoffDelay: PT0.2S
`,
	}
	eventingFeatures = map[string]string{
		"kreference-group":            "disabled",
		"delivery-retryafter":         "disabled",
		"delivery-timeout":            "enabled",
		"kreference-mapping":          "disabled",
		"transport-encryption":        "disabled",
		"eventtype-auto-create":       "disabled",
		"authentication-oidc":         "disabled",
		"default-authorization-mode":  "allow-same-namespace",
		"cross-namespace-event-links": "disabled",
		"new-apiserversource-filters": "disabled",
	}
)

// The kinds and settings of serving's cmd/webhook and eventing's cmd/webhook (v0.47).
func webhooks() ([]webhook, error) {
	servingDefaults, err := servingconfig.NewDefaultsConfigFromMap(map[string]string{})
	if err != nil {
		return nil, fmt.Errorf("serving config-defaults: %w", err)
	}
	servingFeatures, err := servingconfig.NewFeaturesConfigFromMap(map[string]string{})
	if err != nil {
		return nil, fmt.Errorf("serving config-features: %w", err)
	}
	autoscaler, err := autoscalerconfig.NewConfigFromMap(map[string]string{})
	if err != nil {
		return nil, fmt.Errorf("serving config-autoscaler: %w", err)
	}
	serving := &servingconfig.Config{Defaults: servingDefaults, Features: servingFeatures, Autoscaler: autoscaler}

	brokerDefaults, err := eventingconfig.NewDefaultsConfigFromMap(eventingBrokerDefaults)
	if err != nil {
		return nil, fmt.Errorf("eventing config-br-defaults: %w", err)
	}
	pingDefaults, err := pingconfig.NewPingDefaultsConfigFromMap(map[string]string{})
	if err != nil {
		return nil, fmt.Errorf("eventing config-ping-defaults: %w", err)
	}
	flags, err := feature.NewFlagsConfigFromMap(eventingFeatures)
	if err != nil {
		return nil, fmt.Errorf("eventing config-features: %w", err)
	}

	return []webhook{
		{
			name: "serving",
			types: map[schema.GroupVersionKind]resourcesemantics.GenericCRD{
				servingv1.SchemeGroupVersion.WithKind("Service"):            &servingv1.Service{},
				servingv1.SchemeGroupVersion.WithKind("Configuration"):      &servingv1.Configuration{},
				servingv1.SchemeGroupVersion.WithKind("Route"):              &servingv1.Route{},
				servingv1.SchemeGroupVersion.WithKind("Revision"):           &servingv1.Revision{},
				servingv1beta1.SchemeGroupVersion.WithKind("DomainMapping"): &servingv1beta1.DomainMapping{},
			},
			disallowUnknownFields: false,
			withConfig: func(ctx context.Context) context.Context {
				return servingconfig.ToContext(ctx, serving)
			},
		},
		{
			name: "eventing",
			types: map[schema.GroupVersionKind]resourcesemantics.GenericCRD{
				eventingv1.SchemeGroupVersion.WithKind("Broker"):         &eventingv1.Broker{},
				eventingv1.SchemeGroupVersion.WithKind("Trigger"):        &eventingv1.Trigger{},
				sourcesv1.SchemeGroupVersion.WithKind("PingSource"):      &sourcesv1.PingSource{},
				sourcesv1.SchemeGroupVersion.WithKind("SinkBinding"):     &sourcesv1.SinkBinding{},
				sourcesv1.SchemeGroupVersion.WithKind("ApiServerSource"): &sourcesv1.ApiServerSource{},
				sourcesv1.SchemeGroupVersion.WithKind("ContainerSource"): &sourcesv1.ContainerSource{},
			},
			disallowUnknownFields: true,
			withConfig: func(ctx context.Context) context.Context {
				ctx = eventingconfig.ToContext(ctx, &eventingconfig.Config{Defaults: brokerDefaults})
				ctx = pingconfig.ToContext(ctx, &pingconfig.Config{PingDefaults: pingDefaults})
				return feature.ToContext(ctx, flags)
			},
		},
	}, nil
}

// Problem is one error (or warning) Knative reports for a resource, at a field path.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// Result is what happened to one document.
type Result struct {
	File       string    `json:"file"`
	Document   int       `json:"document"`
	Source     string    `json:"source,omitempty"`
	APIVersion string    `json:"apiVersion,omitempty"`
	Kind       string    `json:"kind,omitempty"`
	Name       string    `json:"name,omitempty"`
	Webhook    string    `json:"webhook,omitempty"`
	Checked    bool      `json:"checked"`
	Errors     []Problem `json:"errors"`
	Warnings   []Problem `json:"warnings"`
}

// The user the API server would pass to the webhook; serving records it as creator/lastModifier.
var requester = &authenticationv1.UserInfo{Username: "system:serviceaccount:taskwire:deployer"}

// admit defaults and validates one decoded resource as the webhooks do on a create.
func admit(w webhook, gvk schema.GroupVersionKind, obj resourcesemantics.GenericCRD) (errs, warns []Problem) {
	// The defaulting webhook: decode, SetDefaults within a create, with the requester's user info.
	ctx := w.withConfig(context.Background())
	ctx = apis.WithinCreate(ctx)
	ctx = apis.WithUserInfo(ctx, requester)
	obj.SetDefaults(ctx)
	if _, ok := obj.(apis.HasSpec); ok {
		// defaulting.setUserInfoAnnotations: creator and lastModifier on a create.
		if m, ok := obj.(metav1.ObjectMetaAccessor); ok {
			annotations := m.GetObjectMeta().GetAnnotations()
			if annotations == nil {
				annotations = map[string]string{}
			}
			annotations[gvk.Group+apis.CreatorAnnotationSuffix] = requester.Username
			annotations[gvk.Group+apis.UpdaterAnnotationSuffix] = requester.Username
			m.GetObjectMeta().SetAnnotations(annotations)
		}
	}
	// The validating webhook: the defaulted object, Validate within a create.
	ctx = w.withConfig(context.Background())
	ctx = apis.WithUserInfo(ctx, requester)
	ctx = apis.WithinCreate(ctx)
	fe := obj.Validate(ctx)
	return problems(fe.Filter(apis.ErrorLevel)), problems(fe.Filter(apis.WarningLevel))
}

func problems(fe *apis.FieldError) []Problem {
	out := []Problem{}
	if fe == nil {
		return out
	}
	for _, e := range fe.WrappedErrors() {
		paths := append([]string(nil), e.Paths...)
		sort.Strings(paths)
		out = append(out, Problem{Field: strings.Join(paths, ", "), Message: e.Message, Details: e.Details})
	}
	return out
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// check reads every document of one file (or standard input) and admits those Knative handles.
func check(file string, r io.Reader, namespace string, hooks []webhook) ([]Result, error) {
	reader := k8syaml.NewYAMLReader(bufio.NewReader(r))
	var results []Result
	for doc := 0; ; doc++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return results, nil
		}
		if err != nil {
			return results, fmt.Errorf("%s: document %d: %w", file, doc, err)
		}
		res := Result{File: file, Document: doc, Errors: []Problem{}, Warnings: []Problem{}}
		if m := sourceComment.FindSubmatch(raw); m != nil {
			res.Source = strings.TrimSpace(string(m[1]))
		}
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			res.Errors = append(res.Errors, Problem{Message: "not YAML: " + err.Error()})
			results = append(results, res)
			continue
		}
		if t := bytes.TrimSpace(js); len(t) == 0 || bytes.Equal(t, []byte("null")) {
			continue // an empty document (comments only)
		}
		var h header
		if err := json.Unmarshal(js, &h); err != nil {
			res.Errors = append(res.Errors, Problem{Message: "not a Kubernetes object: " + err.Error()})
			results = append(results, res)
			continue
		}
		res.APIVersion, res.Kind, res.Name = h.APIVersion, h.Kind, h.Metadata.Name
		gvk := schema.FromAPIVersionAndKind(h.APIVersion, h.Kind)
		for _, w := range hooks {
			proto, ok := w.types[gvk]
			if !ok {
				continue
			}
			res.Webhook, res.Checked = w.name, true
			if h.Metadata.Namespace == "" && namespace != "" {
				// The API server puts the request's namespace on the object before admission.
				js, err = setNamespace(js, namespace)
				if err != nil {
					return results, err
				}
			}
			obj := proto.DeepCopyObject().(resourcesemantics.GenericCRD)
			if err := knjson.Decode(js, obj, w.disallowUnknownFields); err != nil {
				res.Errors = append(res.Errors, Problem{Message: "cannot decode: " + err.Error()})
				break
			}
			res.Errors, res.Warnings = admit(w, gvk, obj)
			break
		}
		results = append(results, res)
	}
}

func setNamespace(js []byte, namespace string) ([]byte, error) {
	var obj map[string]any
	if err := json.Unmarshal(js, &obj); err != nil {
		return nil, err
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["namespace"] = namespace
	return json.Marshal(obj)
}

func main() {
	namespace := flag.String("namespace", "default", "namespace of resources that name none (the API server sets it before admission)")
	asJSON := flag.Bool("json", false, "print one JSON document with every result (for scripts)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: knative-validate [-namespace NS] [-json] FILE... (- for standard input)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	hooks, err := webhooks()
	if err != nil {
		fmt.Fprintln(os.Stderr, "knative-validate:", err)
		os.Exit(2)
	}
	var results []Result
	for _, file := range flag.Args() {
		var r io.Reader
		if file == "-" {
			r = os.Stdin
		} else {
			f, err := os.Open(file)
			if err != nil {
				fmt.Fprintln(os.Stderr, "knative-validate:", err)
				os.Exit(2)
			}
			defer f.Close()
			r = f
		}
		rs, err := check(file, r, *namespace, hooks)
		results = append(results, rs...)
		if err != nil {
			fmt.Fprintln(os.Stderr, "knative-validate:", err)
			os.Exit(2)
		}
	}

	checked, rejected := 0, 0
	for _, r := range results {
		if r.Checked {
			checked++
		}
		if len(r.Errors) > 0 {
			rejected++
		}
	}
	if *asJSON {
		out := struct {
			Results  []Result `json:"results"`
			Checked  int      `json:"checked"`
			Rejected int      `json:"rejected"`
		}{results, checked, rejected}
		if out.Results == nil {
			out.Results = []Result{}
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", " ")
		if err := enc.Encode(out); err != nil {
			os.Exit(2)
		}
	} else {
		for _, r := range results {
			where := fmt.Sprintf("%s #%d %s/%s", r.File, r.Document, r.Kind, r.Name)
			if r.Source != "" {
				where += " (" + r.Source + ")"
			}
			for _, p := range r.Errors {
				fmt.Printf("%s: %s: %s%s\n", where, orNone(p.Field), p.Message, details(p.Details))
			}
			for _, p := range r.Warnings {
				fmt.Printf("%s: warning: %s: %s%s\n", where, orNone(p.Field), p.Message, details(p.Details))
			}
		}
		fmt.Printf("knative-validate: %d resources checked by Knative's webhooks, %d rejected\n", checked, rejected)
	}
	if rejected > 0 {
		os.Exit(1)
	}
}

func orNone(field string) string {
	if field == "" {
		return "(resource)"
	}
	return field
}

func details(d string) string {
	if d == "" {
		return ""
	}
	return " (" + d + ")"
}
