#!/usr/bin/env node
// Static validation of deploy/: Kubernetes manifests (base + kustomize overlays, rendered here),
// the Compose file and the Dockerfiles. No container engine or cluster is needed.
//
//   node validate.mjs              validate the repository's deploy/ folder
//   node validate.mjs --self-test  feed deliberately broken variants and check each one is rejected
//
// Layers:
//   1. Kubernetes schema: kubernetes-models (+ @kubernetes-models/keda) validators (types, required, enums),
//      plus a strict unknown-field check driven by the same packages' type declarations (like kubeconform -strict).
//   2. Compose schema: the Compose specification JSON schema shipped in the dclint package (ajv, draft-07).
//   3. Project rules (Orleans Kubernetes guidance, runtime contract): explicit assertions naming file and path.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import Ajv from "ajv";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const nodeModules = path.join(here, "node_modules");

// ---------------------------------------------------------------- findings
class Findings {
  constructor() { this.items = []; }
  add(file, where, message) { this.items.push({ file, where, message }); }
  get count() { return this.items.length; }
  print() { for (const f of this.items) console.log(`  FAIL ${f.file}${f.where ? ` [${f.where}]` : ""}: ${f.message}`); }
}
const rel = (p) => path.relative(repo, p) || p;

// ---------------------------------------------------------------- YAML
function loadYamlDocs(file, text = fs.readFileSync(file, "utf8")) {
  const docs = YAML.parseAllDocuments(text, { merge: true });
  const out = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${rel(file)}: YAML error: ${d.errors[0].message}`);
    const v = d.toJS({ maxAliasCount: 100 });
    if (v != null) out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------- Kubernetes schema (kubernetes-models)
const kindModules = {
  "v1": "kubernetes-models/v1",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
};
function modulePathFor(apiVersion) {
  return kindModules[apiVersion] ?? `kubernetes-models/${apiVersion}`;
}

// Strict unknown-field check from the packages' .d.ts declarations (generated from the same OpenAPI schemas).
const dtsCache = new Map();
function parseDts(file) {
  if (dtsCache.has(file)) return dtsCache.get(file);
  const text = fs.readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";/gm)) {
    for (const name of m[1].split(",").map((s) => s.trim())) imports.set(name, m[2]);
  }
  const aliases = new Map(); // exported alias -> local name
  for (const m of text.matchAll(/^export type \{ ([^}]+) \};/gm)) {
    for (const part of m[1].split(",")) {
      const [local, , alias] = part.trim().split(/\s+/);
      if (alias) aliases.set(alias, local);
    }
  }
  const interfaces = new Map();
  const typeAliases = new Set();
  for (const m of text.matchAll(/^export type (\w+) = /gm)) typeAliases.add(m[1]);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const head = /^export interface (\w+)/.exec(lines[i]);
    if (!head) continue;
    const props = new Map();
    for (i++; i < lines.length && lines[i] !== "}"; i++) {
      const p = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
      if (!p) continue;
      let type = p[2];
      if (type === "{") {
        let body = "";
        for (i++; i < lines.length && !/^ {4}\};?$/.test(lines[i]); i++) body += lines[i].trim() + " ";
        const idx = /\[key: string\]: ([^;]+);/.exec(body);
        type = idx ? { map: idx[1] } : "any";
      } else type = type.replace(/;$/, "");
      props.set(p[1], type);
    }
    interfaces.set(head[1], props);
  }
  const r = { file, imports, aliases, interfaces, typeAliases };
  dtsCache.set(file, r);
  return r;
}
function resolveImport(fromFile, spec) {
  let base = spec.startsWith(".") ? path.resolve(path.dirname(fromFile), spec) : path.join(nodeModules, spec);
  base = base.replace(/\.js$/, "");
  return base + ".d.ts";
}
// Returns a "type descriptor": {kind:"object", file, iface} | {kind:"array", of} | {kind:"map", of} | {kind:"leaf"}
function resolveType(ctx, type) {
  if (typeof type === "object" && type.map) return { kind: "map", of: resolveType(ctx, type.map) };
  if (type === "any") return { kind: "leaf" };
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return { kind: "array", of: resolveType(ctx, arr[1]) };
  if (/^\w+$/.test(type)) {
    if (ctx.interfaces.has(type)) return { kind: "object", file: ctx.file, iface: type };
    const spec = ctx.imports.get(type);
    if (spec && !spec.startsWith("@kubernetes-models/base")) {
      const target = parseDts(resolveImport(ctx.file, spec));
      const local = target.aliases.get(type) ?? type;
      if (target.interfaces.has(local)) return { kind: "object", file: target.file, iface: local };
    }
  }
  return { kind: "leaf" }; // primitives, literal unions, IntOrString, Quantity, JSON
}
function strictCheck(value, desc, at, report) {
  if (value == null) return;
  if (desc.kind === "array" && Array.isArray(value)) value.forEach((v, i) => strictCheck(v, desc.of, `${at}[${i}]`, report));
  else if (desc.kind === "map" && typeof value === "object") for (const [k, v] of Object.entries(value)) strictCheck(v, desc.of, `${at}.${k}`, report);
  else if (desc.kind === "object" && typeof value === "object" && !Array.isArray(value)) {
    const ctx = parseDts(desc.file);
    const props = ctx.interfaces.get(desc.iface);
    for (const [k, v] of Object.entries(value)) {
      const t = props.get(k);
      const p = at ? `${at}.${k}` : k;
      if (t === undefined) { report(p, `unknown field "${k}" (not in ${desc.iface.replace(/^I/, "")})`); continue; }
      strictCheck(v, resolveType(ctx, t), p, report);
    }
  }
}

async function validateK8sObject(obj, file, findings) {
  const id = `${obj?.kind ?? "?"}/${obj?.metadata?.name ?? "?"}`;
  if (!obj || typeof obj !== "object" || !obj.apiVersion || !obj.kind) { findings.add(file, id, "not a Kubernetes object (apiVersion and kind required)"); return; }
  const modPath = `${modulePathFor(obj.apiVersion)}/${obj.kind}`;
  let Model;
  try { Model = (await import(modPath))[obj.kind]; } catch { /* fall through */ }
  if (!Model) { findings.add(file, id, `no schema for ${obj.apiVersion} ${obj.kind} (unknown apiVersion/kind)`); return; }
  try { new Model(obj).validate(); } catch (e) {
    for (const err of e.errors ?? [{ instancePath: "", message: e.message }]) {
      findings.add(file, `${id} ${err.instancePath.replace(/^\//, "").replaceAll("/", ".")}`, `schema: ${err.message}${err.params?.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : ""}`);
    }
  }
  const dts = path.join(nodeModules, modPath + ".d.ts");
  if (!fs.existsSync(dts)) { findings.add(file, id, `no type declarations for ${modPath}`); return; }
  const ctx = parseDts(dts);
  const iface = [...ctx.interfaces.keys()][0];
  strictCheck(obj, { kind: "object", file: dts, iface }, "", (p, msg) => findings.add(file, `${id} ${p}`, `schema (strict): ${msg}`));
}

// ---------------------------------------------------------------- kustomize (the subset deploy/k8s uses)
const isObj = (v) => v && typeof v === "object" && !Array.isArray(v);
const mergeKeys = ["name", "containerPort", "mountPath", "port"];
function smpMerge(target, patch) {
  if (!isObj(target) || !isObj(patch)) return structuredClone(patch);
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) { delete out[k]; continue; }
    if (Array.isArray(v) && Array.isArray(out[k]) && v.every(isObj)) {
      const key = mergeKeys.find((mk) => v.every((e) => mk in e) && out[k].every((e) => mk in e));
      if (key) {
        const merged = out[k].map((e) => structuredClone(e));
        for (const pe of v) {
          const i = merged.findIndex((e) => e[key] === pe[key]);
          if (i >= 0) merged[i] = smpMerge(merged[i], pe); else merged.push(structuredClone(pe));
        }
        out[k] = merged;
        continue;
      }
    }
    out[k] = isObj(v) && isObj(out[k]) ? smpMerge(out[k], v) : structuredClone(v);
  }
  return out;
}
const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"]);
const knownKustomizationKeys = new Set(["apiVersion", "kind", "namespace", "resources", "secretGenerator", "configMapGenerator", "patches", "images", "labels", "commonLabels", "commonAnnotations", "namePrefix", "nameSuffix", "generatorOptions", "components", "replicas"]);
function renderKustomization(dir, findings, seen = new Set()) {
  const kfile = path.join(dir, "kustomization.yaml");
  if (!fs.existsSync(kfile)) { findings.add(rel(dir), "", "no kustomization.yaml"); return []; }
  if (seen.has(kfile)) { findings.add(rel(kfile), "", "kustomization cycle"); return []; }
  seen.add(kfile);
  const [k] = loadYamlDocs(kfile);
  const f = rel(kfile);
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1" || k.kind !== "Kustomization") findings.add(f, "", "expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization");
  for (const key of Object.keys(k)) if (!knownKustomizationKeys.has(key)) findings.add(f, key, `unknown or unsupported kustomization field "${key}"`);
  let objs = [];
  for (const r of k.resources ?? []) {
    const p = path.resolve(dir, r);
    if (!fs.existsSync(p)) { findings.add(f, `resources ${r}`, "resource does not exist"); continue; }
    if (fs.statSync(p).isDirectory()) objs.push(...renderKustomization(p, findings, seen));
    else objs.push(...loadYamlDocs(p).map((o) => ({ obj: o, file: rel(p) })));
  }
  for (const g of k.secretGenerator ?? []) {
    const data = {};
    for (const lit of g.literals ?? []) { const i = lit.indexOf("="); data[lit.slice(0, i)] = lit.slice(i + 1); }
    if (g.files || g.envs) findings.add(f, `secretGenerator ${g.name}`, "files/envs generators are not rendered by this linter; use literals or a Secret created out of band");
    objs.push({ obj: { apiVersion: "v1", kind: "Secret", metadata: { name: g.name }, type: g.type ?? "Opaque", stringData: data }, file: f });
  }
  for (const p of k.patches ?? []) {
    if (!p.path) { findings.add(f, "patches", "only file patches (path:) are supported here"); continue; }
    const pfile = path.resolve(dir, p.path);
    if (!fs.existsSync(pfile)) { findings.add(f, `patches ${p.path}`, "patch file does not exist"); continue; }
    for (const patch of loadYamlDocs(pfile)) {
      const i = objs.findIndex((o) => o.obj.kind === patch.kind && o.obj.metadata?.name === patch.metadata?.name);
      if (i < 0) { findings.add(rel(pfile), `${patch.kind}/${patch.metadata?.name}`, "patch target not found in the resources"); continue; }
      objs[i] = { obj: smpMerge(objs[i].obj, patch), file: `${objs[i].file} + ${rel(pfile)}` };
    }
  }
  for (const img of k.images ?? []) {
    let used = false;
    for (const { obj } of objs) for (const c of podSpecOf(obj)?.containers ?? []) {
      const [name, tag] = splitImage(c.image);
      if (name !== img.name) continue;
      used = true;
      c.image = `${img.newName ?? name}:${img.newTag ?? tag}`;
    }
    if (!used) findings.add(f, `images ${img.name}`, "image override matches no container");
  }
  if (k.namespace) for (const { obj } of objs) if (!clusterScoped.has(obj.kind)) (obj.metadata ??= {}).namespace = k.namespace;
  return objs;
}
function splitImage(image = "") {
  const at = image.indexOf("@");
  if (at >= 0) return [image.slice(0, at), image.slice(at)];
  const slash = image.lastIndexOf("/"), colon = image.lastIndexOf(":");
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, ""];
}
function podSpecOf(obj) {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(obj?.kind)) return obj.spec?.template?.spec;
  if (obj?.kind === "Pod") return obj.spec;
  return undefined;
}

// ---------------------------------------------------------------- Orleans / project rules for Kubernetes
const envOf = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
function parseTimeSpan(s) {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(String(s ?? ""));
  return m ? (+(m[1] ?? 0)) * 86400 + +m[2] * 3600 + +m[3] * 60 + +m[4] : undefined;
}
function portNumber(container, port) {
  if (typeof port === "number") return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
function urlsPort(env) { const m = /:(\d+)\/?$/.exec(env.Urls?.value ?? ""); return m ? +m[1] : undefined; }
function labelsMatch(selector, labels = {}) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length > 0;
}
const fieldRefIs = (e, fieldPath) => e?.valueFrom?.fieldRef?.fieldPath === fieldPath;
const isSiloContainer = (c) => /nevgrains-silo/.test(c.image ?? "") || "NevGrains__SiloPort" in envOf(c);
const isGatewayContainer = (c) => /nevgrains-gateway/.test(c.image ?? "") || "NevGrains__Gateway__Mode" in envOf(c);
const devAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
function checkNoRealStorageKey(text, report) {
  for (const m of String(text).matchAll(/AccountKey=([^;"'\s]+)/g)) if (m[1] !== devAccountKey) report("an Azure Storage AccountKey other than Azurite's public development key is committed");
  if (/SharedAccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}/.test(String(text))) report("a SAS token is committed");
}

const runsKubernetesHosting = (c) => isSiloContainer(c) && envOf(c).NevGrains__Kubernetes__Enabled?.value === "true";
const usesKubernetesHosting = (spec) => (spec.containers ?? []).some(runsKubernetesHosting);
// Microsoft.Orleans.Hosting.Kubernetes: the pod labels it selects by, the namespace it watches, the RBAC it calls with.
function checkKubernetesHosting(objs, file, id, at, env, podLabels, spec, add) {
  for (const [label, setting] of [["orleans/serviceId", "NevGrains__ServiceId"], ["orleans/clusterId", "NevGrains__ClusterId"]]) {
    if (podLabels[label] !== env[setting]?.value) add(file, `${id} spec.template.metadata.labels.${label}`, `must equal ${setting} (${JSON.stringify(env[setting]?.value)}), got ${JSON.stringify(podLabels[label])}`);
  }
  if (!fieldRefIs(env.POD_NAMESPACE, "metadata.namespace")) add(file, `${at}.env.POD_NAMESPACE`, "must come from the downward API (fieldRef metadata.namespace)");
  const sa = spec.serviceAccountName;
  if (!sa) return;
  if (!objs.some((o) => o.obj.kind === "ServiceAccount" && o.obj.metadata?.name === sa)) add(file, `${id} serviceAccountName`, `ServiceAccount ${sa} is not in this set`);
  const roles = objs.filter((o) => o.obj.kind === "RoleBinding" && (o.obj.subjects ?? []).some((x) => x.kind === "ServiceAccount" && x.name === sa))
    .map((b) => objs.find((o) => o.obj.kind === (b.obj.roleRef?.kind ?? "Role") && o.obj.metadata?.name === b.obj.roleRef?.name)).filter(Boolean);
  const verbs = new Set(roles.flatMap((r) => (r.obj.rules ?? []).filter((rule) => (rule.resources ?? []).includes("pods") && (rule.apiGroups ?? []).includes("")).flatMap((rule) => rule.verbs ?? [])));
  const missing = ["get", "list", "watch", "patch"].filter((v) => !verbs.has(v));
  if (missing.length) add(file, `${id} serviceAccountName ${sa}`, `no Role bound to it grants pods ${missing.join(", ")} (Orleans' Kubernetes hosting watches and labels the pods)`);
}

function checkK8sRules(objs, setName, findings, { production = false } = {}) {
  const add = (file, where, msg) => findings.add(file, where, `${msg}`);
  const byKind = (k) => objs.filter((o) => o.obj.kind === k);
  const deployments = byKind("Deployment");
  const silos = deployments.filter((d) => (podSpecOf(d.obj)?.containers ?? []).some(isSiloContainer));
  const gateways = deployments.filter((d) => (podSpecOf(d.obj)?.containers ?? []).some(isGatewayContainer));
  if (!silos.length) add(setName, "", "no silo Deployment (a container with image nevgrains-silo) in this set");
  if (!gateways.length) add(setName, "", "no gateway Deployment (a container with image nevgrains-gateway) in this set");

  for (const { obj, file } of objs) {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    const spec = podSpecOf(obj);
    checkNoRealStorageKey(JSON.stringify(obj), (m) => add(file, id, m));
    if (!spec) continue;
    if (usesKubernetesHosting(spec)) {
      if (spec.automountServiceAccountToken !== true) add(file, `${id} spec.template.spec.automountServiceAccountToken`, "must be true: Orleans' Kubernetes hosting (NevGrains__Kubernetes__Enabled) calls the Kubernetes API");
      if (!spec.serviceAccountName) add(file, `${id} spec.template.spec.serviceAccountName`, "missing: Orleans' Kubernetes hosting needs a service account bound to a Role on pods");
    } else if (spec.automountServiceAccountToken !== false) add(file, `${id} spec.template.spec.automountServiceAccountToken`, "must be false (no Kubernetes API access is needed)");
    for (const [i, c] of (spec.containers ?? []).entries()) {
      const at = `${id} containers[${i}](${c.name}).resources`;
      if (c.resources?.limits?.cpu !== undefined) add(file, `${at}.limits.cpu`, "CPU limit set: Orleans guidance is a CPU request without a CPU limit (limits throttle membership probes and GC)");
      if (c.resources?.requests?.cpu === undefined) add(file, `${at}.requests.cpu`, "CPU request missing");
      if (c.resources?.limits?.memory === undefined) add(file, `${at}.limits.memory`, "memory limit missing");
      const env = envOf(c);
      if ("ASPNETCORE_URLS" in env) add(file, `${id} containers[${i}].env.ASPNETCORE_URLS`, "use the unprefixed Urls variable (appsettings.json overrides ASPNETCORE_URLS)");
      for (const [n, e] of Object.entries(env)) {
        if (/ApiKeys__\d+__Key$|^ConnectionStrings__/.test(n) && e.value !== undefined) add(file, `${id} containers[${i}].env.${n}`, "secret given as a literal value: use valueFrom.secretKeyRef");
      }
      if (production && /:(latest|local)?$/.test(c.image ?? "") ) add(file, `${id} containers[${i}].image`, `image "${c.image}" is not pinned to a version in a production overlay`);
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) if (c[probe]?.exec) add(file, `${id} containers[${i}].${probe}`, "exec probe: the chiseled runtime image has no shell; use httpGet/grpc/tcpSocket");
    }
    const ann = obj.spec?.template?.metadata?.annotations ?? {};
    if ((spec.containers ?? []).some((c) => isSiloContainer(c) || isGatewayContainer(c))) {
      if (ann["prometheus.io/scrape"] !== "true") add(file, `${id} spec.template.metadata.annotations`, 'prometheus.io/scrape: "true" missing');
      const port = +ann["prometheus.io/port"];
      if (!(spec.containers ?? []).some((c) => (c.ports ?? []).some((p) => p.containerPort === port))) add(file, `${id} spec.template.metadata.annotations.prometheus.io/port`, `"${ann["prometheus.io/port"]}" is not a container port`);
      if (ann["prometheus.io/path"] !== "/metrics") add(file, `${id} spec.template.metadata.annotations.prometheus.io/path`, "must be /metrics");
    }
  }

  for (const { obj, file } of silos) {
    const id = `Deployment/${obj.metadata?.name}`;
    const s = obj.spec ?? {};
    const ru = s.strategy?.rollingUpdate;
    if ((s.strategy?.type ?? "RollingUpdate") !== "RollingUpdate") add(file, `${id} spec.strategy.type`, "silos roll with RollingUpdate");
    if (!(ru && (ru.maxUnavailable === 0 || ru.maxUnavailable === "0%"))) add(file, `${id} spec.strategy.rollingUpdate.maxUnavailable`, `must be 0 (surge-only rollouts never lower silo capacity), got ${JSON.stringify(ru?.maxUnavailable)}`);
    if (!(ru && (ru.maxSurge === 1 || ru.maxSurge === "1"))) add(file, `${id} spec.strategy.rollingUpdate.maxSurge`, `must be 1, got ${JSON.stringify(ru?.maxSurge)}`);
    if (!((s.minReadySeconds ?? 0) >= 30)) add(file, `${id} spec.minReadySeconds`, `must be >= 30 so membership settles between silo replacements, got ${s.minReadySeconds}`);
    if (!((s.replicas ?? 1) >= 3)) add(file, `${id} spec.replicas`, `must be >= 3, got ${s.replicas}`);
    const spec = s.template?.spec ?? {};
    const podLabels = s.template?.metadata?.labels ?? {};
    const pdbs = byKind("PodDisruptionBudget").filter((p) => labelsMatch(p.obj.spec?.selector, podLabels));
    if (!pdbs.length) add(file, id, "no PodDisruptionBudget selects the silo pods");
    for (const p of pdbs) if (!(typeof p.obj.spec?.minAvailable === "number" && p.obj.spec.minAvailable >= 2)) add(p.file, `PodDisruptionBudget/${p.obj.metadata?.name} spec.minAvailable`, `must be >= 2 for silos, got ${JSON.stringify(p.obj.spec?.minAvailable)}`);
    for (const [i, c] of (spec.containers ?? []).entries()) {
      if (!isSiloContainer(c)) continue;
      const at = `${id} containers[${i}](${c.name})`;
      const env = envOf(c);
      const shutdown = parseTimeSpan(env.NevGrains__ShutdownTimeout?.value);
      if (shutdown === undefined) add(file, `${at}.env.NevGrains__ShutdownTimeout`, "missing or not a TimeSpan (hh:mm:ss)");
      const grace = spec.terminationGracePeriodSeconds ?? 30;
      if (shutdown !== undefined && !(grace > shutdown)) add(file, `${id} spec.template.spec.terminationGracePeriodSeconds`, `${grace}s must be longer than NevGrains__ShutdownTimeout (${shutdown}s)`);
      const podName = Object.values(env).find((e) => fieldRefIs(e, "metadata.name"));
      const podIp = Object.values(env).find((e) => fieldRefIs(e, "status.podIP"));
      const siloName = env.NevGrains__SiloName, advertised = env.NevGrains__AdvertisedIp;
      if (!(fieldRefIs(siloName, "metadata.name") || (podName && siloName?.value === `$(${podName.name})`))) add(file, `${at}.env.NevGrains__SiloName`, "must come from the pod name (downward API fieldRef metadata.name, e.g. $(POD_NAME))");
      if (!(fieldRefIs(advertised, "status.podIP") || (podIp && advertised?.value === `$(${podIp.name})`))) add(file, `${at}.env.NevGrains__AdvertisedIp`, "must be the pod IP (downward API fieldRef status.podIP, e.g. $(POD_IP)), never a Service address");
      for (const [n, v] of [["NevGrains__Clustering", "AzureTable"], ["NevGrains__Storage", "Azure"], ["NevGrains__SiloPort", "11111"], ["NevGrains__GatewayPort", "30000"]]) {
        if (env[n]?.value !== v) add(file, `${at}.env.${n}`, `must be "${v}", got ${JSON.stringify(env[n]?.value)}`);
      }
      if (!env.ConnectionStrings__AzureStorage?.valueFrom?.secretKeyRef) add(file, `${at}.env.ConnectionStrings__AzureStorage`, "must come from a Secret (secretKeyRef)");
      if (runsKubernetesHosting(c)) checkKubernetesHosting(objs, file, id, at, env, podLabels, spec, add);
      if (production && env.NevGrains__Dashboard__Enabled?.value !== "false") add(file, `${at}.env.NevGrains__Dashboard__Enabled`, 'must be "false" outside development (the dashboard is unauthenticated)');
      const http = urlsPort(env);
      if (http !== 8081) add(file, `${at}.env.Urls`, `silo ops port must be 8081 (Urls=http://+:8081), got ${JSON.stringify(env.Urls?.value)}`);
      for (const [n, want] of [[11111, "silo"], [30000, "gateway"], [8081, "http"]]) if (!(c.ports ?? []).some((p) => p.containerPort === n)) add(file, `${at}.ports`, `container port ${n} (${want}) not declared`);
      for (const [probe, p] of [["startupProbe", "/health/startup"], ["readinessProbe", "/health/ready"], ["livenessProbe", "/health/live"]]) {
        const pr = c[probe];
        if (!pr?.httpGet) { add(file, `${at}.${probe}`, `must be an httpGet on the silo's own port (${p})`); continue; }
        if (pr.httpGet.path !== p) add(file, `${at}.${probe}.httpGet.path`, `must be ${p}, got ${pr.httpGet.path}`);
        if (portNumber(c, pr.httpGet.port) !== http) add(file, `${at}.${probe}.httpGet.port`, `must be the silo's own HTTP port ${http}, got ${pr.httpGet.port}`);
        if (pr.httpGet.host) add(file, `${at}.${probe}.httpGet.host`, "probes stay local: no host");
      }
    }
  }

  for (const { obj, file } of gateways) {
    const id = `Deployment/${obj.metadata?.name}`;
    const podLabels = obj.spec?.template?.metadata?.labels ?? {};
    const headless = byKind("Service").filter((sv) => sv.obj.spec?.clusterIP === "None" && labelsMatch({ matchLabels: sv.obj.spec?.selector }, podLabels)
      && (sv.obj.spec?.ports ?? []).some((p) => p.port === 5080));
    if (!headless.length) add(file, id, "no headless Service (clusterIP: None) on port 5080 selects the gateway pods: HTTP/2 clients would stick to one pod");
    const spec = obj.spec?.template?.spec ?? {};
    for (const [i, c] of (spec.containers ?? []).entries()) {
      if (!isGatewayContainer(c)) continue;
      const at = `${id} containers[${i}](${c.name})`;
      const env = envOf(c);
      const grpcPort = urlsPort(env);
      if (grpcPort !== 5080) add(file, `${at}.env.Urls`, `gateway port must be 5080 (Urls=http://+:5080), got ${JSON.stringify(env.Urls?.value)}`);
      if (env.NevGrains__Gateway__Mode?.value !== "Cluster") add(file, `${at}.env.NevGrains__Gateway__Mode`, 'must be "Cluster"');
      if (env.NevGrains__Gateway__Auth__AllowAnonymousOnLoopback?.value !== "false") add(file, `${at}.env.NevGrains__Gateway__Auth__AllowAnonymousOnLoopback`, 'must be "false" outside loopback');
      if (!env.NevGrains__Gateway__Auth__ApiKeys__0__Key?.valueFrom?.secretKeyRef) add(file, `${at}.env.NevGrains__Gateway__Auth__ApiKeys__0__Key`, "API key must come from a Secret (secretKeyRef)");
      const rp = c.readinessProbe;
      if (!(rp?.grpc && rp.grpc.port === grpcPort)) add(file, `${at}.readinessProbe`, `must be a grpc probe on ${grpcPort} (grpc.health.v1, NOT_SERVING while no silo is reachable)`);
      const lp = c.livenessProbe;
      if (!(lp?.tcpSocket && portNumber(c, lp.tcpSocket.port) === grpcPort)) add(file, `${at}.livenessProbe`, `must be a local tcpSocket probe on ${grpcPort} (liveness must not depend on the silos)`);
    }
  }

  const hpas = byKind("HorizontalPodAutoscaler");
  const scaled = byKind("ScaledObject");
  if (!hpas.length && !scaled.length) add(setName, "", "no HorizontalPodAutoscaler (or KEDA ScaledObject) for the silos");
  for (const { obj, file } of [...hpas, ...scaled]) {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    const t = obj.spec?.scaleTargetRef ?? {};
    const target = deployments.find((d) => d.obj.metadata?.name === t.name && (t.kind ?? "Deployment") === "Deployment");
    if (!target) add(file, `${id} spec.scaleTargetRef`, `target Deployment/${t.name} does not exist in this set`);
    else if (!silos.includes(target)) add(file, `${id} spec.scaleTargetRef`, `target Deployment/${t.name} is not the silo Deployment`);
    const isHpa = obj.kind === "HorizontalPodAutoscaler";
    const metricNames = isHpa
      ? (obj.spec?.metrics ?? []).map((m) => m.external?.metric?.name ?? m.pods?.metric?.name ?? m.object?.metric?.name)
      : (obj.spec?.triggers ?? []).map((tr) => tr.metadata?.query ?? "");
    if (!metricNames.some((n) => /nevgrains_batch_items_pending/.test(n ?? ""))) add(file, `${id} ${isHpa ? "spec.metrics" : "spec.triggers"}`, "must scale on nevgrains_batch_items_pending (pending scenario work)");
    if (!isHpa) for (const tr of obj.spec?.triggers ?? []) if (/\bsum\s*\(/.test(tr.metadata?.query ?? "")) add(file, `${id} spec.triggers`, "use max(), not sum(), across gateway replicas");
    const behavior = isHpa ? obj.spec?.behavior : obj.spec?.advanced?.horizontalPodAutoscalerConfig?.behavior;
    const bpath = isHpa ? "spec.behavior" : "spec.advanced.horizontalPodAutoscalerConfig.behavior";
    const down = behavior?.scaleDown, up = behavior?.scaleUp;
    if (!down) add(file, `${id} ${bpath}.scaleDown`, "missing: scale in explicitly, one silo at a time");
    else {
      if (!((down.stabilizationWindowSeconds ?? 300) >= 300)) add(file, `${id} ${bpath}.scaleDown.stabilizationWindowSeconds`, `must be >= 300 (scale in slowly), got ${down.stabilizationWindowSeconds}`);
      const pol = down.policies ?? [];
      if (!pol.length || pol.some((p) => !(p.type === "Pods" && p.value === 1)) ) add(file, `${id} ${bpath}.scaleDown.policies`, "scale-in must be limited to one pod per period (type Pods, value 1)");
      if (down.selectPolicy === "Max" && pol.length > 1) add(file, `${id} ${bpath}.scaleDown.selectPolicy`, "Max picks the fastest scale-in policy");
    }
    if (up && down && !((up.stabilizationWindowSeconds ?? 0) < (down.stabilizationWindowSeconds ?? 300))) add(file, `${id} ${bpath}.scaleUp.stabilizationWindowSeconds`, "scale-up must react faster than scale-down");
    const min = isHpa ? obj.spec?.minReplicas : obj.spec?.minReplicaCount;
    if (!((min ?? 1) >= 3)) add(file, `${id} min replicas`, `must be >= 3 (PodDisruptionBudget minAvailable 2 plus one), got ${min}`);
  }
}

// ---------------------------------------------------------------- Compose
function loadComposeSchema() {
  const schema = JSON.parse(fs.readFileSync(path.join(nodeModules, "dclint/schemas/compose.schema.json"), "utf8"));
  // The file names draft-07 by its https URL; ajv registers the meta-schema under http.
  schema.$schema = "http://json-schema.org/draft-07/schema#";
  return schema;
}
let compiledCompose;
function composeValidator() {
  return (compiledCompose ??= new Ajv({ allErrors: true, strict: false }).compile(loadComposeSchema()));
}
// The Compose specification schema and no committed storage key: every compose file. Returns the document.
function checkComposeSchema(file, findings, text = fs.readFileSync(file, "utf8")) {
  const f = rel(file);
  let doc;
  try { [doc] = loadYamlDocs(file, text); } catch (e) { findings.add(f, "", e.message); return undefined; }
  const validate = composeValidator();
  if (!validate(doc)) for (const e of validate.errors) {
    const extra = e.params?.additionalProperty ? ` "${e.params.additionalProperty}"` : "";
    findings.add(f, e.instancePath.replace(/^\//, "").replaceAll("/", ".") || "(root)", `compose schema: ${e.message}${extra}`);
  }
  checkNoRealStorageKey(text, (m) => findings.add(f, "", m));
  return doc;
}
// deploy/docker/compose.yaml, the bridge-network cluster: the schema and the project's rules.
function checkCompose(file, findings, text = fs.readFileSync(file, "utf8")) {
  const f = rel(file);
  const doc = checkComposeSchema(file, findings, text);
  if (doc === undefined) return;
  const services = doc?.services ?? {};
  const envOfSvc = (s) => Array.isArray(s.environment) ? Object.fromEntries(s.environment.map((l) => [l.split("=")[0], l.split("=").slice(1).join("=")])) : (s.environment ?? {});
  const seconds = (d) => { let t = 0; for (const m of String(d ?? "").matchAll(/(\d+)(h|m|s)/g)) t += +m[1] * { h: 3600, m: 60, s: 1 }[m[2]]; return t; };
  const silos = Object.entries(services).filter(([, s]) => /nevgrains-silo|Dockerfile\.silo/.test(`${s.image} ${s.build?.dockerfile}`));
  const gateways = Object.entries(services).filter(([, s]) => /nevgrains-gateway|Dockerfile\.gateway/.test(`${s.image} ${s.build?.dockerfile}`));
  if (silos.length < 3) findings.add(f, "services", `expected three silo services, found ${silos.length}`);
  if (gateways.length < 1) findings.add(f, "services", "no gateway service");
  const azurite = Object.entries(services).filter(([, s]) => /azurite/.test(s.image ?? ""));
  if (!azurite.length) findings.add(f, "services", "no Azurite service");
  for (const [n, s] of azurite) if (s.image !== "mcr.microsoft.com/azure-storage/azurite:3.37.0") findings.add(f, `services.${n}.image`, "Azurite must be pinned to mcr.microsoft.com/azure-storage/azurite:3.37.0");
  const names = new Set(), ips = new Set();
  for (const [n, s] of silos) {
    const env = envOfSvc(s);
    const shutdown = parseTimeSpan(env.NevGrains__ShutdownTimeout);
    if (shutdown === undefined) findings.add(f, `services.${n}.environment.NevGrains__ShutdownTimeout`, "missing or not hh:mm:ss");
    else if (!(seconds(s.stop_grace_period) > shutdown)) findings.add(f, `services.${n}.stop_grace_period`, `${s.stop_grace_period ?? "10s (default)"} must be longer than NevGrains__ShutdownTimeout (${shutdown}s)`);
    if (!env.NevGrains__SiloName || names.has(env.NevGrains__SiloName)) findings.add(f, `services.${n}.environment.NevGrains__SiloName`, "every silo needs its own SiloName");
    if (!env.NevGrains__AdvertisedIp || ips.has(env.NevGrains__AdvertisedIp)) findings.add(f, `services.${n}.environment.NevGrains__AdvertisedIp`, "every silo needs its own advertised address");
    names.add(env.NevGrains__SiloName); ips.add(env.NevGrains__AdvertisedIp);
    if (env.NevGrains__Clustering !== "AzureTable") findings.add(f, `services.${n}.environment.NevGrains__Clustering`, 'must be "AzureTable"');
    if (!/^http:\/\/\+:8081\/?$/.test(env.Urls ?? "")) findings.add(f, `services.${n}.environment.Urls`, "must be http://+:8081");
  }
  for (const [n, s] of [...silos, ...gateways]) {
    const env = envOfSvc(s);
    if ("ASPNETCORE_URLS" in env) findings.add(f, `services.${n}.environment.ASPNETCORE_URLS`, "use the unprefixed Urls variable");
    if (s.healthcheck && s.healthcheck.disable !== true) findings.add(f, `services.${n}.healthcheck`, "the chiseled runtime image has no shell or curl: a healthcheck command cannot run");
    if (s.privileged) findings.add(f, `services.${n}.privileged`, "must not be privileged");
    if (s.user !== undefined && /^(0|root)(:|$)/.test(String(s.user))) findings.add(f, `services.${n}.user`, "must not run as root");
  }
  for (const [n, s] of gateways) {
    const env = envOfSvc(s);
    if (!/^http:\/\/\+:5080\/?$/.test(env.Urls ?? "")) findings.add(f, `services.${n}.environment.Urls`, "must be http://+:5080");
    if (String(env.NevGrains__Gateway__Auth__AllowAnonymousOnLoopback) !== "false") findings.add(f, `services.${n}.environment.NevGrains__Gateway__Auth__AllowAnonymousOnLoopback`, 'must be "false"');
    for (const [k, v] of Object.entries(env)) {
      if (/ApiKeys__\d+__Key$/.test(k) && !/^\$\{[A-Z0-9_]+:\?[^}]*\}$/.test(String(v))) findings.add(f, `services.${n}.environment.${k}`, "API keys must come from required interpolation ${VAR:?message}, never a literal");
    }
  }
}

// ---------------------------------------------------------------- Dockerfiles
function parseDockerfile(text) {
  const out = [];
  let cur = "";
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (!cur && /^\s*(#|$)/.test(line)) continue;
    if (/\\\s*$/.test(line)) { cur += line.replace(/\\\s*$/, " "); continue; }
    cur += line;
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(cur);
    if (m) out.push({ op: m[1].toUpperCase(), args: m[2].trim() });
    cur = "";
  }
  return out;
}
function checkDockerfile(file, findings, text = fs.readFileSync(file, "utf8")) {
  const f = rel(file);
  const ins = parseDockerfile(text);
  const stages = [];
  const args = {}; // ARG defaults declared before the first FROM: FROM ${SDK_IMAGE} resolves to its default
  for (const i of ins) {
    if (i.op === "FROM") stages.push({ from: i.args.replace(/\$\{?(\w+)\}?/g, (m, n) => args[n] ?? m), ins: [] });
    else if (stages.length) stages.at(-1).ins.push(i);
    else if (i.op === "ARG") { const [n, v] = i.args.split("="); args[n.trim()] = v?.trim(); }
  }
  if (stages.length < 2) findings.add(f, "FROM", "must be multi-stage (an SDK build stage and a runtime stage)");
  const stageNames = new Set();
  for (const s of stages) {
    const [image, , name] = s.from.replace(/--platform=\S+\s+/, "").split(/\s+/);
    if (!stageNames.has(image)) {
      const [, tag] = splitImage(image);
      if (!tag || tag === "latest") findings.add(f, `FROM ${image}`, "base image must be pinned to an explicit tag (not latest)");
    }
    if (name) stageNames.add(name);
  }
  // Every stage after the build stage is a runtime image (a target: silo, gateway).
  for (const final of stages.slice(1)) {
    const image = final.from.split(/\s+/)[0];
    if (!/^mcr\.microsoft\.com\/dotnet\/(aspnet|runtime|runtime-deps):10\.0[\w.-]*-chiseled/.test(image)) findings.add(f, `FROM ${image}`, "runtime stage must be a .NET 10 chiseled image (small, no shell)");
    const users = final.ins.filter((i) => i.op === "USER");
    const u = users.at(-1)?.args;
    if (!u) findings.add(f, "USER", "final stage must set a non-root USER (1654 / $APP_UID)");
    else if (/^(0|root)(:|$)/.test(u)) findings.add(f, `USER ${u}`, "final stage runs as root");
    else if (!/^(\d+|\$APP_UID|\$\{APP_UID\})(:\d+)?$/.test(u)) findings.add(f, `USER ${u}`, "use a numeric UID (1654) or $APP_UID so Kubernetes runAsNonRoot can verify it");
    if (final.ins.some((i) => i.op === "HEALTHCHECK" && !/^NONE$/i.test(i.args))) findings.add(f, "HEALTHCHECK", "the chiseled image has no shell: probe from the orchestrator instead");
    const ep = final.ins.filter((i) => i.op === "ENTRYPOINT").at(-1);
    if (!ep || !ep.args.startsWith("[")) findings.add(f, "ENTRYPOINT", "final stage needs an exec-form ENTRYPOINT (no shell in the image)");
    if (final.ins.some((i) => i.op === "ENV" && /ASPNETCORE_URLS/.test(i.args))) findings.add(f, "ENV ASPNETCORE_URLS", "use the unprefixed Urls variable");
  }
  for (const i of ins) {
    if ((i.op === "ENV" || i.op === "ARG") && /(PASSWORD|SECRET|TOKEN|APIKEY|API_KEY|ApiKeys__|ConnectionStrings__|ACCOUNTKEY)/i.test(i.args)) findings.add(f, `${i.op} ${i.args.slice(0, 40)}`, "secrets must not be baked into an image (ENV/ARG persist in its history)");
    if (i.op === "ADD" && /https?:\/\//.test(i.args)) findings.add(f, `ADD ${i.args}`, "remote ADD is unpinned; download in a RUN step with a checksum");
  }
  checkNoRealStorageKey(text, (m) => findings.add(f, "", m));
  // Restore from project files only, before the sources are copied (layer cache).
  const build = stages[0]?.ins ?? [];
  const restore = build.findIndex((i) => i.op === "RUN" && /dotnet restore/.test(i.args));
  const publish = build.findIndex((i) => i.op === "RUN" && /dotnet publish/.test(i.args));
  if (restore < 0) findings.add(f, "RUN dotnet restore", "restore in its own layer from the csproj/props files");
  if (publish < 0) findings.add(f, "RUN dotnet publish", "build stage must publish");
  if (restore >= 0) for (const i of build.slice(0, restore)) {
    if (i.op !== "COPY") continue;
    const srcs = i.args.replace(/--\S+\s+/g, "").split(/\s+/).slice(0, -1);
    for (const s of srcs) if (!/(\.csproj|\.props|\.targets|global\.json|\.sln|NuGet\.config|packages\.lock\.json)$/i.test(s)) findings.add(f, `COPY ${s}`, "only project/props files may be copied before dotnet restore");
  }
}
function checkDockerignore(file, findings, text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null) {
  const f = rel(file);
  if (text == null) { findings.add(f, "", "missing (the build context is the repository root)"); return; }
  const lines = text.split("\n").map((l) => l.trim());
  for (const [what, re] of [["bin/", /^(\*\*\/)?bin\/?$/], ["obj/", /^(\*\*\/)?obj\/?$/], ["node_modules", /^(\*\*\/)?node_modules\/?$/], ["TestResults", /^(\*\*\/)?TestResults\/?$/], ["reports/", /^\/?reports\/?$/], [".git", /^\.git\/?$/]]) {
    if (!lines.some((l) => re.test(l))) findings.add(f, what, `must exclude ${what}`);
  }
}

// ---------------------------------------------------------------- run over the repository
const k8sDir = path.join(repo, "deploy/k8s");
const overlaysDir = path.join(k8sDir, "overlays");
const composeFile = path.join(repo, "deploy/docker/compose.yaml");
const dockerfiles = () => fs.readdirSync(path.join(repo, "deploy/docker")).filter((n) => /^Dockerfile/.test(n)).map((n) => path.join(repo, "deploy/docker", n));

function walkYaml(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkYaml(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

async function validateRepo() {
  const findings = new Findings();
  const summary = [];
  // 1. every manifest file on its own (base, overlay resources, patches are partial and skipped), schema + strict
  let files = 0, objects = 0;
  for (const file of walkYaml(k8sDir)) {
    if (path.basename(file) === "kustomization.yaml") continue;
    const docs = loadYamlDocs(file);
    const isPatch = fs.existsSync(path.join(path.dirname(file), "kustomization.yaml")) && (loadYamlDocs(path.join(path.dirname(file), "kustomization.yaml"))[0].patches ?? []).some((p) => path.resolve(path.dirname(file), p.path ?? "") === file);
    files++;
    for (const d of docs) {
      if (isPatch) { // a patch: check its fields exist (strict) but not required ones
        await strictOnly(d, rel(file), findings);
        continue;
      }
      objects++;
      await validateK8sObject(d, rel(file), findings);
    }
  }
  summary.push(`k8s: ${files} files, ${objects} objects schema-validated (strict)`);
  // 2. rendered overlays: schema again (merged objects) + Orleans rules
  const overlays = fs.readdirSync(overlaysDir).filter((n) => fs.existsSync(path.join(overlaysDir, n, "kustomization.yaml")));
  for (const o of overlays) {
    const objs = renderKustomization(path.join(overlaysDir, o), findings);
    for (const { obj, file } of objs) await validateK8sObject(obj, `${file} (overlay ${o})`, findings);
    checkK8sRules(objs, `deploy/k8s/overlays/${o}`, findings, { production: o !== "dev" });
    summary.push(`overlay ${o}: ${objs.length} objects rendered, rules checked`);
  }
  const base = renderKustomization(path.join(k8sDir, "base"), findings);
  checkK8sRules(base, "deploy/k8s/base", findings);
  // extras (KEDA alternative) against the base deployments
  const extras = path.join(k8sDir, "extras");
  if (fs.existsSync(extras)) for (const file of walkYaml(extras)) {
    const objs = loadYamlDocs(file).map((obj) => ({ obj, file: rel(file) }));
    const scaled = objs.filter((o) => o.obj.kind === "ScaledObject");
    if (scaled.length) checkK8sRules([...base.filter((b) => b.obj.kind !== "HorizontalPodAutoscaler"), ...scaled], `${rel(file)} with base`, findings);
  }
  // 3. compose
  checkCompose(composeFile, findings);
  const loopback = path.join(repo, "deploy/docker/compose.loopback.yaml");
  if (fs.existsSync(loopback)) checkComposeSchema(loopback, findings);
  summary.push(`compose: ${rel(composeFile)} (schema and rules), ${rel(loopback)} (schema)`);
  // 4. Dockerfiles
  const dfs = dockerfiles();
  if (!dfs.some((d) => path.basename(d) === "Dockerfile")) findings.add("deploy/docker", "", "expected deploy/docker/Dockerfile");
  for (const d of dfs) {
    const targets = parseDockerfile(fs.readFileSync(d, "utf8")).filter((i) => i.op === "FROM").map((i) => i.args.split(/\s+/)[2]);
    for (const t of ["silo", "gateway"]) if (!targets.includes(t)) findings.add(rel(d), `FROM ... AS ${t}`, `no ${t} target`);
  }
  for (const d of dfs) checkDockerfile(d, findings);
  checkDockerignore(path.join(repo, ".dockerignore"), findings);
  summary.push(`dockerfiles: ${dfs.map((d) => path.basename(d)).join(", ")} + .dockerignore`);
  return { findings, summary };
}
async function strictOnly(obj, file, findings) {
  const modPath = `${modulePathFor(obj.apiVersion)}/${obj.kind}`;
  const dts = path.join(nodeModules, modPath + ".d.ts");
  if (!fs.existsSync(dts)) { findings.add(file, `${obj.kind}`, `no schema for ${obj.apiVersion} ${obj.kind}`); return; }
  const ctx = parseDts(dts);
  strictCheck(obj, { kind: "object", file: dts, iface: [...ctx.interfaces.keys()][0] }, "", (p, msg) => findings.add(file, `${obj.kind}/${obj.metadata?.name} ${p}`, `schema (strict): ${msg}`));
}

// ---------------------------------------------------------------- self-test: broken variants must be rejected
async function selfTest() {
  const baseObjs = () => renderKustomization(path.join(k8sDir, "base"), new Findings());
  const find = (objs, kind, name) => objs.find((o) => o.obj.kind === kind && (!name || o.obj.metadata.name === name)).obj;
  const silo = (objs) => find(objs, "Deployment", "nevgrains-silo");
  const siloC = (objs) => silo(objs).spec.template.spec.containers[0];
  const gwC = (objs) => find(objs, "Deployment", "nevgrains-gateway").spec.template.spec.containers[0];
  const setEnv = (c, name, entry) => { c.env = c.env.filter((e) => e.name !== name); if (entry) c.env.push({ name, ...entry }); };

  const k8sCases = [
    ["CPU limit on the silo", (o) => { siloC(o).resources.limits.cpu = "2"; }, /CPU limit set/],
    ["no CPU request", (o) => { delete siloC(o).resources.requests.cpu; }, /CPU request missing/],
    ["maxUnavailable 1", (o) => { silo(o).spec.strategy.rollingUpdate.maxUnavailable = 1; }, /maxUnavailable.*must be 0/],
    ["minReadySeconds 0", (o) => { silo(o).spec.minReadySeconds = 0; }, /minReadySeconds/],
    ["grace period shorter than shutdown", (o) => { silo(o).spec.template.spec.terminationGracePeriodSeconds = 100; }, /must be longer than NevGrains__ShutdownTimeout/],
    ["PDB selects other pods", (o) => { find(o, "PodDisruptionBudget", "nevgrains-silo").spec.selector.matchLabels = { "app.kubernetes.io/name": "other" }; }, /no PodDisruptionBudget selects the silo pods/],
    ["PDB minAvailable 1", (o) => { find(o, "PodDisruptionBudget", "nevgrains-silo").spec.minAvailable = 1; }, /minAvailable.*>= 2/],
    ["readiness on another port", (o) => { siloC(o).readinessProbe.httpGet.port = 9999; }, /readinessProbe.httpGet.port/],
    ["liveness on the wrong path", (o) => { siloC(o).livenessProbe.httpGet.path = "/health/ready"; }, /livenessProbe.httpGet.path/],
    ["exec probe", (o) => { siloC(o).startupProbe = { exec: { command: ["sh", "-c", "true"] } }; }, /exec probe/],
    ["AdvertisedIp from a Service name", (o) => { setEnv(siloC(o), "NevGrains__AdvertisedIp", { value: "nevgrains-silo-ops" }); }, /AdvertisedIp.*pod IP/],
    ["SiloName without downward API", (o) => { setEnv(siloC(o), "POD_NAME", null); }, /SiloName.*pod name/],
    ["service account token on the gateway", (o) => { find(o, "Deployment", "nevgrains-gateway").spec.template.spec.automountServiceAccountToken = true; }, /automountServiceAccountToken.*must be false/],
    ["Kubernetes hosting without a token", (o) => { silo(o).spec.template.spec.automountServiceAccountToken = false; }, /automountServiceAccountToken.*must be true/],
    ["Kubernetes hosting with labels of another cluster", (o) => { silo(o).spec.template.metadata.labels["orleans/clusterId"] = "other"; }, /orleans\/clusterId.*must equal NevGrains__ClusterId/],
    ["Kubernetes hosting without its namespace", (o) => { setEnv(siloC(o), "POD_NAMESPACE", null); }, /POD_NAMESPACE/],
    ["Kubernetes hosting without watch", (o) => { find(o, "Role", "nevgrains-silo").rules[0].verbs = ["get", "list", "patch"]; }, /grants pods watch/],
    ["Kubernetes hosting bound to no Role", (o) => { find(o, "RoleBinding", "nevgrains-silo").subjects[0].name = "default"; }, /grants pods get, list, watch, patch/],
    ["no headless gateway Service", (o) => { find(o, "Service", "nevgrains-gateway-headless").spec.clusterIP = "10.0.0.10"; }, /no headless Service/],
    ["HPA targets a missing Deployment", (o) => { find(o, "HorizontalPodAutoscaler").spec.scaleTargetRef.name = "nope"; }, /does not exist in this set/],
    ["HPA scales in four at a time", (o) => { find(o, "HorizontalPodAutoscaler").spec.behavior.scaleDown.policies[0].value = 4; }, /one pod per period/],
    ["HPA on CPU only", (o) => { find(o, "HorizontalPodAutoscaler").spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]; }, /nevgrains_batch_items_pending/],
    ["gateway liveness through the cluster", (o) => { gwC(o).livenessProbe = { grpc: { port: 5080 } }; }, /livenessProbe.*local tcpSocket/],
    ["gateway API key as a literal", (o) => { setEnv(gwC(o), "NevGrains__Gateway__Auth__ApiKeys__0__Key", { value: "hunter2" }); }, /secret given as a literal|must come from a Secret/],
    ["anonymous access on", (o) => { setEnv(gwC(o), "NevGrains__Gateway__Auth__AllowAnonymousOnLoopback", { value: "true" }); }, /AllowAnonymousOnLoopback/],
    ["ASPNETCORE_URLS", (o) => { setEnv(siloC(o), "ASPNETCORE_URLS", { value: "http://+:8081" }); }, /unprefixed Urls/],
    ["real storage key committed", (o) => { find(o, "Deployment", "nevgrains-silo").metadata.annotations = { note: "AccountKey=abcdefabcdefabcdef==" }; }, /AccountKey/],
  ];
  const schemaCases = [
    ["unknown field in a container", (o) => { siloC(o).cpuLimit = "1"; }, /unknown field "cpuLimit"/],
    ["unknown field in the Deployment spec", (o) => { silo(o).spec.maxUnavailable = 0; }, /unknown field "maxUnavailable"/],
    ["misspelt probe field", (o) => { siloC(o).readinessProbe.periodSecond = 5; }, /unknown field "periodSecond"/],
    ["wrong type", (o) => { silo(o).spec.replicas = "three"; }, /schema: must be integer/],
    ["bad enum", (o) => { siloC(o).imagePullPolicy = "Sometimes"; }, /schema: must be equal to one of the allowed values/],
    ["missing required container name", (o) => { delete siloC(o).name; }, /must have required property '?name'?/],
    ["unknown kind", (o) => { find(o, "Service", "nevgrains-gateway").kind = "Servise"; }, /no schema for v1 Servise/],
  ];

  let ok = 0, bad = 0;
  const expect = (name, findings, re) => {
    const hit = findings.items.some((i) => re.test(`${i.where} ${i.message}`));
    if (hit) { ok++; console.log(`  ok   rejected: ${name}`); }
    else { bad++; console.log(`  FAIL not rejected: ${name} (expected ${re}); findings were:`); findings.print(); }
  };
  // The pristine base must pass, or every "rejected" below proves nothing.
  {
    const fnd = new Findings(); const o = baseObjs();
    for (const { obj, file } of o) await validateK8sObject(obj, file, fnd);
    checkK8sRules(o, "base", fnd);
    if (fnd.count) { bad++; console.log("  FAIL pristine base has findings:"); fnd.print(); } else { ok++; console.log("  ok   pristine base passes"); }
  }
  for (const [name, mutate, re] of k8sCases) {
    const o = baseObjs(); mutate(o); const fnd = new Findings(); checkK8sRules(o, "base", fnd); expect(name, fnd, re);
  }
  for (const [name, mutate, re] of schemaCases) {
    const o = baseObjs(); mutate(o); const fnd = new Findings();
    for (const { obj, file } of o) await validateK8sObject(obj, file, fnd);
    expect(name, fnd, re);
  }
  // Kustomize: a patch whose target does not exist, an image override that matches nothing.
  {
    const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? "/tmp"), "deploy-lint-"));
    try {
      fs.writeFileSync(path.join(tmp, "kustomization.yaml"), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${path.join(k8sDir, "base")}\npatches:\n  - path: p.yaml\nimages:\n  - name: nevgrains-sillo\n    newTag: "1"\nnameSufix: -x\n`);
      fs.writeFileSync(path.join(tmp, "p.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nevgrains-silos\n");
      const fnd = new Findings(); renderKustomization(tmp, fnd);
      expect("kustomize patch without a target", fnd, /patch target not found/);
      expect("kustomize image override matching nothing", fnd, /matches no container/);
      expect("unknown kustomization field", fnd, /unknown or unsupported kustomization field "nameSufix"/);
    } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
  }
  // Compose: mutate the real file's YAML.
  const composeText = fs.readFileSync(composeFile, "utf8");
  const composeCases = [
    ["service with an unknown key", (d) => { d.services.silo1.restart_policy = "always"; }, /compose schema: must NOT have additional properties "restart_policy"/],
    ["ports of the wrong type", (d) => { d.services.gateway.ports = "5080:5080"; }, /compose schema: must be array/],
    ["unknown top-level key", (d) => { d.service = {}; }, /compose schema: .*additional properties "service"/],
    ["stop_grace_period too short", (d) => { d.services.silo2.stop_grace_period = "30s"; }, /stop_grace_period/],
    ["two silos with one name", (d) => { d.services.silo3.environment.NevGrains__SiloName = "silo1"; }, /own SiloName/],
    ["API key literal", (d) => { d.services.gateway.environment.NevGrains__Gateway__Auth__ApiKeys__0__Key = "secret"; }, /API keys must come from required interpolation/],
    ["unpinned Azurite", (d) => { d.services.azurite.image = "mcr.microsoft.com/azure-storage/azurite:latest"; }, /Azurite must be pinned/],
    ["shell healthcheck on a chiseled image", (d) => { d.services.silo1.healthcheck = { test: ["CMD-SHELL", "curl -f http://localhost:8081/health/live"] }; }, /no shell or curl/],
  ];
  for (const [name, mutate, re] of composeCases) {
    const d = YAML.parse(composeText, { merge: true }); mutate(d);
    const fnd = new Findings(); checkCompose(composeFile, fnd, YAML.stringify(d)); expect(name, fnd, re);
  }
  {
    const fnd = new Findings(); checkCompose(composeFile, fnd, composeText);
    if (fnd.count) { bad++; console.log("  FAIL pristine compose has findings:"); fnd.print(); } else { ok++; console.log("  ok   pristine compose passes"); }
  }
  // Dockerfiles.
  const dfFile = path.join(repo, "deploy/docker/Dockerfile");
  const df = fs.readFileSync(dfFile, "utf8");
  const dfCases = [
    ["final stage as root", df.replace(/^USER .*$/m, "USER root"), /runs as root/],
    ["no USER", df.replace(/^USER .*$/m, ""), /must set a non-root USER/],
    ["single stage", `FROM mcr.microsoft.com/dotnet/sdk:10.0\nCOPY . .\nRUN dotnet restore\nRUN dotnet publish -o /app\nUSER 1654\nENTRYPOINT ["dotnet","/app/NevGrains.Silo.dll"]\n`, /multi-stage/],
    ["unpinned base", df.replace("mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/sdk"), /pinned to an explicit tag/],
    ["latest base", df.replace("runtime-deps:10.0-noble-chiseled", "runtime-deps:latest"), /pinned to an explicit tag|chiseled/],
    ["a runtime target on a full image", df.replace(/^FROM \$\{RUNTIME_IMAGE\} AS gateway$/m, "FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS gateway"), /chiseled/],
    ["the last runtime target as root", df.replace(/USER 1654(?![\s\S]*USER 1654)/, "USER root"), /runs as root/],
    ["baked secret", df.replace(/^ENV Urls/m, "ENV ConnectionStrings__AzureStorage=UseDevelopmentStorage=true\nENV Urls"), /secrets must not be baked/],
    ["sources before restore", df.replace(/^RUN dotnet restore/m, "COPY src/ src/\nRUN dotnet restore"), /only project\/props files may be copied before dotnet restore/],
    ["shell healthcheck", df.replace(/^ENTRYPOINT/m, "HEALTHCHECK CMD curl -f http://localhost:8081/health/live\nENTRYPOINT"), /no shell/],
  ];
  for (const [name, text, re] of dfCases) { const fnd = new Findings(); checkDockerfile(dfFile, fnd, text); expect(`Dockerfile: ${name}`, fnd, re); }
  { const fnd = new Findings(); checkDockerignore(path.join(repo, ".dockerignore"), fnd, "bin/\nobj/\n"); expect(".dockerignore without node_modules/.git", fnd, /must exclude node_modules/); }
  // Literal fixture files (fixtures/): each must produce at least one finding.
  const fixtures = path.join(here, "fixtures");
  for (const n of fs.readdirSync(fixtures).sort()) {
    const p = path.join(fixtures, n), fnd = new Findings();
    const expected = new RegExp((/^# expect: (.+)$/m.exec(fs.readFileSync(p, "utf8")) ?? [, "."])[1]);
    if (/^Dockerfile/.test(n)) checkDockerfile(p, fnd);
    else if (/^compose/.test(n)) checkCompose(p, fnd);
    else { for (const obj of loadYamlDocs(p)) await validateK8sObject(obj, rel(p), fnd); checkK8sRules(loadYamlDocs(p).map((obj) => ({ obj, file: rel(p) })), rel(p), fnd); }
    expect(`fixture ${n}`, fnd, expected);
  }
  console.log(`self-test: ${ok} passed, ${bad} failed`);
  return bad === 0;
}

// ---------------------------------------------------------------- main
const args = process.argv.slice(2);
const started = Date.now();
if (args.includes("--self-test")) {
  process.exit((await selfTest()) ? 0 : 1);
} else {
  let result;
  try { result = await validateRepo(); } catch (e) { console.log(`  FAIL ${e.message}`); console.log("deploy-lint: could not read deploy/"); process.exit(1); }
  const { findings, summary } = result;
  for (const s of summary) console.log(`  ${s}`);
  if (findings.count) {
    findings.print();
    console.log(`deploy-lint: ${findings.count} problem(s) (${Date.now() - started} ms)`);
    process.exit(1);
  }
  console.log(`deploy-lint: OK (${Date.now() - started} ms)`);
}
