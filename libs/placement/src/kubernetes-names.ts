// The name rules the API server applies, checked here so bad configuration fails at operator start
// with the field's path instead of on every pod the operator later creates.

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedName = /^[A-Za-z0-9]([-\w.]*[A-Za-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && dnsLabel.test(value);
}

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function isLabelKey(value: string): boolean {
  const slash = value.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : value.slice(0, slash);
  const name = slash === -1 ? value : value.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !dnsSubdomain.test(prefix))) return false;
  return name.length <= 63 && qualifiedName.test(name);
}

export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && qualifiedName.test(value));
}

/** An extended resource is always domain-qualified, e.g. nvidia.com/gpu. */
export function isExtendedResourceName(value: string): boolean {
  return value.includes('/') && isLabelKey(value);
}
