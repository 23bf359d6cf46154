/**
 * The ARM request handler of the emulator: route an ARM path to a resource type, enforce the contract (api-version,
 * parents, Sentinel onboarding, body shape, etags) and answer from the in-memory store. No I/O here: server.ts does
 * the HTTP side and fault injection, so this stays a plain function of (request, store).
 */
import { ArmError, badRequest, KNOWN_NAMESPACES, PutContext, RESOURCE_TYPES, ResourceTypeSpec } from './contract';
import { Json, normalizePath, ResourceStore, StoredResource } from './store';
import { TemplateEngine } from './template';

export interface ArmRequest {
  method: string;
  /** decoded path, as received */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** scheme://host the client used; nextLink and polling URLs are built on it */
  baseUrl: string;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ArmOptions {
  /** items per page of a collection GET */
  pageSize: number;
  /** how many polls of a long-running operation answer "InProgress" before "Succeeded" */
  lroPolls: number;
}

interface Route {
  kind: 'resource' | 'collection' | 'subscription';
  typeKey: string;
  namespace: string;
  /** type segments joined by '/', as written in the path (`workspaces/savedSearches`) */
  typeName: string;
  name?: string;
  path: string;
  /** the resource or scope that must exist for this one to exist */
  parent: string;
  /** the path before the last `/providers/` segment (or the subscription for resource groups) */
  scope: string;
  subscriptionId: string;
  resourceGroup?: string;
}

interface Operation {
  id: string;
  mode: 'azure-async-operation' | 'location';
  pollsLeft: number;
  done: boolean;
  /** what the final poll of a Location-mode operation answers */
  final: () => ArmResponse;
  onComplete?: () => void;
}

const API_VERSION_RE = /^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|privatepreview))?$/i;

export function parseArmPath(path: string): Route | undefined {
  const segs = path.split('/').filter(Boolean);
  if (segs.length < 2 || segs[0].toLowerCase() !== 'subscriptions') return undefined;
  const sub = segs[1];
  const subPath = `/subscriptions/${sub}`;
  const clean = `/${segs.join('/')}`;
  let p = -1;
  for (let i = segs.length - 2; i >= 2; i--) {
    if (segs[i].toLowerCase() === 'providers') {
      p = i;
      break;
    }
  }
  if (p < 0) {
    if (segs.length === 2)
      return {
        kind: 'subscription',
        typeKey: '',
        namespace: '',
        typeName: '',
        path: clean,
        parent: subPath,
        scope: subPath,
        subscriptionId: sub,
      };
    if (segs[2].toLowerCase() === 'resourcegroups' && segs.length <= 4) {
      return {
        kind: segs.length === 3 ? 'collection' : 'resource',
        typeKey: 'microsoft.resources/resourcegroups',
        namespace: 'Microsoft.Resources',
        typeName: 'resourceGroups',
        name: segs[3],
        path: clean,
        parent: subPath,
        scope: subPath,
        subscriptionId: sub,
        resourceGroup: segs[3],
      };
    }
    return undefined;
  }
  const rest = segs.slice(p + 2);
  if (rest.length === 0) return undefined;
  const kind = rest.length % 2 === 1 ? 'collection' : 'resource';
  const types = rest.filter((_, i) => i % 2 === 0);
  const scope = `/${segs.slice(0, p).join('/')}`;
  return {
    kind,
    typeKey: `${segs[p + 1]}/${types.join('/')}`.toLowerCase(),
    namespace: segs[p + 1],
    typeName: types.join('/'),
    name: kind === 'resource' ? rest[rest.length - 1] : undefined,
    path: clean,
    parent: rest.length > 2 ? `/${segs.slice(0, segs.length - (kind === 'collection' ? 1 : 2)).join('/')}` : scope,
    scope,
    subscriptionId: sub,
    resourceGroup: segs[2]?.toLowerCase() === 'resourcegroups' ? segs[3] : undefined,
  };
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const header = (req: ArmRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** "Microsoft.OperationalInsights/workspaces/ws1" for an ARM resource path (the form ARM's ResourceNotFound uses). */
function describeResource(path: string): string {
  const segs = path.split('/').filter(Boolean);
  const p = segs.map((s) => s.toLowerCase()).lastIndexOf('providers');
  return p < 0 ? path : segs.slice(p + 1).join('/');
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const sameLocation = (a: unknown, b: unknown) =>
  String(a).replace(/\s+/g, '').toLowerCase() === String(b).replace(/\s+/g, '').toLowerCase();

export class ArmHandler {
  private readonly ops = new Map<string, Operation>();
  private opCounter = 0;

  constructor(
    readonly store: ResourceStore,
    readonly options: ArmOptions,
  ) {}

  handle(req: ArmRequest): ArmResponse {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof ArmError)
        return { status: e.status, body: { error: { code: e.code, message: e.message } }, headers: e.headers };
      throw e;
    }
  }

  private route(req: ArmRequest): ArmResponse {
    const method = req.method.toUpperCase();
    const op = this.operationFor(req.path);
    if (op) return this.poll(op);

    const route = parseArmPath(req.path);
    if (!route)
      throw new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${req.path}'.`);

    const apiVersion = req.query['api-version'];
    if (!apiVersion)
      throw badRequest(
        'The api-version query parameter (?api-version=) is required for all requests.',
        'MissingApiVersionParameter',
      );
    if (route.kind === 'subscription') return this.subscription(route, method);

    const spec = RESOURCE_TYPES[route.typeKey];
    if (!API_VERSION_RE.test(apiVersion)) {
      throw badRequest(
        `The api-version '${apiVersion}' is invalid. The supported versions are '${(spec?.apiVersions ?? []).join(',')}'.`,
        'InvalidApiVersionParameter',
      );
    }
    if (!spec) {
      if (!KNOWN_NAMESPACES.has(route.namespace.toLowerCase()))
        throw badRequest(`The resource namespace '${route.namespace}' is invalid.`, 'InvalidResourceNamespace');
      throw new ArmError(
        404,
        'InvalidResourceType',
        `The resource type '${route.typeName}' could not be found in the namespace '${route.namespace}' for api version '${apiVersion}'.`,
      );
    }
    if (!spec.apiVersions.includes(apiVersion)) {
      const location = this.locationFor(route);
      throw badRequest(
        `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${route.typeName}'. ` +
          `The supported api-versions are '${spec.apiVersions.join(', ')}'. The supported locations are '${location}'.`,
        'NoRegisteredProviderFound',
      );
    }

    this.checkAncestors(route, spec);

    switch (method) {
      case 'GET':
        return route.kind === 'collection' ? this.list(req, route, spec, apiVersion) : this.get(route);
      case 'PUT':
        if (route.kind !== 'resource') break;
        return this.put(req, route, spec, apiVersion);
      case 'PATCH':
        if (route.kind !== 'resource' || !spec.patch) break;
        return this.patch(req, route, spec, apiVersion);
      case 'DELETE':
        if (route.kind !== 'resource') break;
        return this.delete(req, route, spec, apiVersion);
    }
    throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
  }

  // -------------------------------------------------------------------------------------------------------------
  // existence of subscription, resource group, parent resource, Sentinel onboarding

  private checkAncestors(route: Route, spec: ResourceTypeSpec): void {
    const subPath = `/subscriptions/${route.subscriptionId}`;
    if (this.store.list({ under: subPath }).length === 0)
      throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${route.subscriptionId}' could not be found.`);
    const isGroupItself = route.typeKey === 'microsoft.resources/resourcegroups';
    if (route.resourceGroup && !isGroupItself && !this.store.has(`${subPath}/resourceGroups/${route.resourceGroup}`)) {
      throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${route.resourceGroup}' could not be found.`);
    }
    if (/\/providers\//i.test(route.parent) && !this.store.has(route.parent)) {
      throw new ArmError(
        404,
        'ResourceNotFound',
        `The Resource '${describeResource(route.parent)}' under resource group '${route.resourceGroup ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    if (route.namespace.toLowerCase() === 'microsoft.securityinsights') {
      const ws = /\/providers\/microsoft\.operationalinsights\/workspaces\/([^/]+)$/i.exec(route.scope);
      if (!ws)
        throw badRequest(
          `Microsoft.SecurityInsights resources live under a Log Analytics workspace; '${route.scope}' is not one.`,
        );
      // The real service answers 400 BadRequest "Workspace '<name>' is not onboarded to Microsoft Sentinel." for any
      // Sentinel resource of a workspace without onboardingStates/default (seen in terraform-provider-azurerm#20661
      // and iknowjason/PurpleCloud#42); a GET of onboardingStates/default itself is a plain 404 there.
      if (
        spec.sentinel &&
        !this.store.has(`${route.scope}/providers/Microsoft.SecurityInsights/onboardingStates/default`)
      ) {
        throw badRequest(
          `Workspace '${ws[1]}' is not onboarded to Microsoft Sentinel. Please onboard through the portal or use the OnboardingStates ARM api ` +
            `(PUT ${route.scope}/providers/Microsoft.SecurityInsights/onboardingStates/default) to onboard to Sentinel.`,
        );
      }
    }
  }

  private locationFor(route: Route): string {
    const rg = route.resourceGroup
      ? this.store.get(`/subscriptions/${route.subscriptionId}/resourceGroups/${route.resourceGroup}`)
      : undefined;
    return String(rg?.body.location ?? 'westeurope');
  }

  private subscription(route: Route, method: string): ArmResponse {
    if (method !== 'GET')
      throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    if (this.store.list({ under: route.path }).length === 0)
      throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${route.subscriptionId}' could not be found.`);
    return {
      status: 200,
      body: {
        id: route.path,
        subscriptionId: route.subscriptionId,
        displayName: `emulated ${route.subscriptionId}`,
        state: 'Enabled',
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // verbs

  private notFound(route: Route): ArmError {
    return new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${describeResource(route.path)}' under resource group '${route.resourceGroup ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }

  private get(route: Route): ArmResponse {
    const r = this.store.get(route.path);
    if (!r) throw this.notFound(route);
    return { status: 200, body: clone(r.body), headers: { ETag: r.etag } };
  }

  private list(req: ArmRequest, route: Route, spec: ResourceTypeSpec, apiVersion: string): ArmResponse {
    for (const q of spec.list?.requiredQuery ?? []) {
      if (!req.query[q]) throw badRequest(`The query parameter '${q}' is required for this request.`);
    }
    const atSubscription =
      normalizePath(route.scope) === normalizePath(`/subscriptions/${route.subscriptionId}`) &&
      route.typeName.indexOf('/') < 0;
    const prefix = `${normalizePath(route.path)}/`;
    let items: StoredResource[] = atSubscription
      ? this.store.list({ under: route.scope, typeKey: route.typeKey })
      : this.store
          .list({ under: route.path })
          .filter((r) => r.typeKey === route.typeKey && !normalizePath(r.id).slice(prefix.length).includes('/'));
    if (spec.list?.filter) items = items.filter((r) => spec.list!.filter!(r.body, req.query));
    const view = (r: StoredResource) => clone(spec.list?.view ? spec.list.view(r.body, req.query) : r.body);
    if (spec.pageable === false) return { status: 200, body: { value: items.map(view) } };
    const skip = Math.max(0, Number.parseInt(req.query.$skipToken ?? '0', 10) || 0);
    const page = items.slice(skip, skip + this.options.pageSize);
    const body: Json = { value: page.map(view) };
    if (skip + this.options.pageSize < items.length) {
      const q = new URLSearchParams({
        ...req.query,
        'api-version': apiVersion,
        $skipToken: String(skip + this.options.pageSize),
      });
      body.nextLink = `${req.baseUrl}${route.path}?${q.toString()}`;
    }
    return { status: 200, body };
  }

  private checkPreconditions(req: ArmRequest, route: Route, existing: StoredResource | undefined, body: Json): void {
    const ifMatch = header(req, 'if-match');
    if (ifMatch !== undefined && (!existing || (ifMatch !== '*' && ifMatch !== existing.etag))) {
      throw new ArmError(
        412,
        'PreconditionFailed',
        `The specified precondition 'If-Match = ${ifMatch}' failed for '${route.name}'.`,
      );
    }
    if (header(req, 'if-none-match') === '*' && existing) {
      throw new ArmError(
        412,
        'PreconditionFailed',
        `The specified precondition 'If-None-Match = *' failed: '${route.name}' already exists.`,
      );
    }
    // Sentinel resources carry the etag in the body as an optimistic-concurrency token (the
    // service's exact status for a stale body etag is not documented, 412 like a stale If-Match is assumed).
    if (existing && typeof body.etag === 'string' && body.etag !== '*' && body.etag !== existing.etag) {
      throw new ArmError(
        412,
        'PreconditionFailed',
        `The etag ${body.etag} of '${route.name}' does not match the current etag ${existing.etag}.`,
      );
    }
  }

  private context(req: ArmRequest, route: Route, apiVersion: string, existing: StoredResource | undefined): PutContext {
    return {
      apiVersion,
      name: route.name!,
      path: route.path,
      scope: route.scope,
      existing,
      query: req.query,
      store: this.store,
      now: new Date().toISOString(),
    };
  }

  /** Build, validate and store the resource `body` for `route`; shared by PUT and PATCH. */
  private write(route: Route, spec: ResourceTypeSpec, body: Json, ctx: PutContext): StoredResource {
    const existing = ctx.existing;
    if (spec.tracked) {
      if (typeof body.location !== 'string' || body.location.length === 0)
        throw badRequest('The location property is required for this definition.', 'LocationRequired');
      if (existing && existing.body.location !== undefined && !sameLocation(existing.body.location, body.location)) {
        throw badRequest(
          `The resource '${route.name}' already exists in location '${existing.body.location}' in resource group '${route.resourceGroup}'. A resource with the same name cannot be created in location '${body.location}'.`,
          'InvalidResourceLocation',
        );
      }
    }
    spec.validate?.(body, ctx);
    const { id: _id, name: _name, type: _type, etag: _etag, systemData: _sd, ...rest } = clone(body);
    const prevSystem = existing?.body.systemData as Json | undefined;
    const resource: Json = {
      id: route.path,
      name: route.name,
      type: spec.type,
      ...rest,
      systemData: {
        createdBy: prevSystem?.createdBy ?? 'emulator@breakglass.test',
        createdByType: 'User',
        createdAt: prevSystem?.createdAt ?? ctx.now,
        lastModifiedBy: 'emulator@breakglass.test',
        lastModifiedByType: 'User',
        lastModifiedAt: ctx.now,
      },
    };
    spec.finalize?.(resource, ctx);
    return this.store.put({ id: route.path, typeKey: route.typeKey, body: resource });
  }

  private put(req: ArmRequest, route: Route, spec: ResourceTypeSpec, apiVersion: string): ArmResponse {
    if (!isObject(req.body))
      throw badRequest(
        "The request content was invalid and could not be deserialized: 'expected a JSON object'.",
        'InvalidRequestContent',
      );
    const existing = this.store.get(route.path);
    this.checkPreconditions(req, route, existing, req.body);
    const isDeployment = route.typeKey === 'microsoft.resources/deployments';
    // the template is not kept on the deployment (a GET returns templateHash): keep it for the run at completion
    const deployProps =
      isDeployment && isObject((req.body as Json).properties) ? ((req.body as Json).properties as Json) : undefined;
    const template = deployProps && isObject(deployProps.template) ? clone(deployProps.template) : undefined;
    const parameters = deployProps && isObject(deployProps.parameters) ? clone(deployProps.parameters) : {};
    const stored = this.write(route, spec, req.body, this.context(req, route, apiVersion, existing));
    const status = existing ? 200 : (spec.createStatus ?? 201);
    const lro = spec.lro?.(apiVersion);
    // ARM deployments: 200/201 + Azure-AsyncOperation on every PUT; watchlists (2025 versions): only a create (201) is async.
    if (lro?.put && (isDeployment || !existing)) {
      const props = stored.body.properties as Json;
      if (!isDeployment) props.provisioningState = 'InProgress';
      const opUrl = this.startOperation(
        req,
        route,
        apiVersion,
        'azure-async-operation',
        () => ({ status: 200, body: clone(this.store.get(route.path)?.body) }),
        () => {
          const current = this.store.get(route.path);
          if (current === stored) {
            const p = current.body.properties as Json;
            p.provisioningState = 'Succeeded';
            if (isDeployment) {
              p.duration = 'PT1S';
              if (template && route.resourceGroup) {
                try {
                  p.outputResources = this.runTemplate(req, route, template, parameters).map((id) => ({ id }));
                } catch (e) {
                  p.provisioningState = 'Failed';
                  p.error =
                    e instanceof ArmError
                      ? { code: e.code, message: e.message }
                      : { code: 'InternalServerError', message: String(e) };
                }
              }
            }
          }
        },
      );
      return { status, body: clone(stored.body), headers: { ETag: stored.etag, 'Azure-AsyncOperation': opUrl } };
    }
    return { status, body: clone(stored.body), headers: { ETag: stored.etag } };
  }

  /**
   * Incremental deployment: create or update the template's resources in order through the same contract checks as
   * a PUT; returns their ids (outputResources). The resources stay when the deployment record is deleted, as in ARM.
   */
  private runTemplate(req: ArmRequest, route: Route, template: Json, parameters: Json): string[] {
    const rgPath = `/subscriptions/${route.subscriptionId}/resourceGroups/${route.resourceGroup}`;
    const engine = new TemplateEngine(
      {
        subscriptionId: route.subscriptionId,
        resourceGroup: route.resourceGroup!,
        location: this.locationFor(route),
        store: this.store,
      },
      template,
      parameters,
    );
    const resources = Array.isArray(template.resources) ? (template.resources as Json[]) : [];
    const ids: string[] = [];
    for (const r of resources) {
      const planned = engine.resource(r);
      if (!planned) continue;
      if (!normalizePath(planned.id).startsWith(`${normalizePath(rgPath)}/`))
        throw new ArmError(
          400,
          'InvalidTemplate',
          `Deployment template validation failed: '${planned.id}' is outside the resource group.`,
        );
      const target = parseArmPath(planned.id);
      const spec = target && RESOURCE_TYPES[target.typeKey];
      if (!target || !spec)
        throw new ArmError(
          400,
          'InvalidTemplate',
          `Deployment template validation failed: the resource type '${planned.type}' is not emulated.`,
        );
      this.checkAncestors(target, spec);
      const existing = this.store.get(target.path);
      this.write(target, spec, planned.body, {
        apiVersion: planned.apiVersion,
        name: target.name!,
        path: target.path,
        scope: target.scope,
        existing,
        query: {},
        store: this.store,
        now: new Date().toISOString(),
      });
      ids.push(this.store.get(target.path)!.id);
    }
    void req;
    return ids;
  }

  private patch(req: ArmRequest, route: Route, spec: ResourceTypeSpec, apiVersion: string): ArmResponse {
    if (!isObject(req.body))
      throw badRequest(
        "The request content was invalid and could not be deserialized: 'expected a JSON object'.",
        'InvalidRequestContent',
      );
    const existing = this.store.get(route.path);
    if (!existing) throw this.notFound(route);
    this.checkPreconditions(req, route, existing, req.body);
    const merged = mergePatch(existing.body, req.body) as Json;
    const stored = this.write(route, spec, merged, this.context(req, route, apiVersion, existing));
    return { status: 200, body: clone(stored.body), headers: { ETag: stored.etag } };
  }

  private delete(req: ArmRequest, route: Route, spec: ResourceTypeSpec, apiVersion: string): ArmResponse {
    const existing = this.store.get(route.path);
    const statuses = spec.deleteStatus ?? { existing: 200, missing: 204 };
    if (!existing) {
      if (statuses.missing === 404) throw this.notFound(route);
      return { status: statuses.missing };
    }
    const ifMatch = header(req, 'if-match');
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== existing.etag) {
      throw new ArmError(
        412,
        'PreconditionFailed',
        `The specified precondition 'If-Match = ${ifMatch}' failed for '${route.name}'.`,
      );
    }
    this.store.deleteTree(route.path);
    const mode = spec.lro?.(apiVersion)?.delete;
    if (mode) {
      const url = this.startOperation(req, route, apiVersion, mode, () => ({ status: 204 }));
      return {
        status: 202,
        headers: mode === 'location' ? { Location: url } : { 'Azure-AsyncOperation': url, Location: url },
      };
    }
    return { status: statuses.existing };
  }

  // -------------------------------------------------------------------------------------------------------------
  // long-running operations

  private startOperation(
    req: ArmRequest,
    route: Route,
    apiVersion: string,
    mode: Operation['mode'],
    final: () => ArmResponse,
    onComplete?: () => void,
  ): string {
    const id = `op-${++this.opCounter}-${Date.now().toString(36)}`;
    this.ops.set(id, { id, mode, pollsLeft: this.options.lroPolls, done: false, final, onComplete });
    const segment = mode === 'location' ? 'operationResults' : 'operationStatuses';
    return `${req.baseUrl}${route.path}/${segment}/${id}?api-version=${encodeURIComponent(apiVersion)}`;
  }

  private operationFor(path: string): Operation | undefined {
    const segs = path.split('/').filter(Boolean);
    if (segs.length < 2 || !/^operation(statuses|results)$/i.test(segs[segs.length - 2])) return undefined;
    return this.ops.get(segs[segs.length - 1]);
  }

  private poll(op: Operation): ArmResponse {
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      return op.mode === 'location'
        ? { status: 202 }
        : { status: 200, body: { id: op.id, name: op.id, status: 'InProgress' } };
    }
    if (!op.done) {
      op.done = true;
      op.onComplete?.();
    }
    if (op.mode === 'location') return op.final();
    return { status: 200, body: { id: op.id, name: op.id, status: 'Succeeded' } };
  }
}
