/**
 * The group resolver the nodeset CLI hands to every NodeSet it builds: ClusterShell's standard
 * resolver (`@cluster-task/groups`), loaded on first use only (ClusterShell reads groups.conf
 * lazily, so a broken configuration only matters to commands that meet a group), with `-s`
 * acting as a new default source, as `group_resolver.default_source_name = ...` does.
 *
 * @module
 */

import type { GroupsLoadOptions } from '@cluster-task/groups';
import { GroupResolverSourceError, loadGroupResolver } from '@cluster-task/groups';
import type { GroupResolver } from '@cluster-task/nodeset';

/** A lazily loaded standard group resolver whose default source can be changed. */
export class CliGroupResolver implements GroupResolver {
  readonly #options: GroupsLoadOptions;
  #inner: GroupResolver | undefined;
  #defaultOverride: string | undefined;

  /**
   * @param options - where to read the configuration from
   */
  constructor(options: GroupsLoadOptions) {
    this.#options = options;
  }

  /** The underlying resolver, loaded on first use. */
  get inner(): GroupResolver {
    if (this.#inner === undefined) this.#inner = loadGroupResolver(this.#options);
    return this.#inner;
  }

  /**
   * Makes `source` the default source (nodeset's `-s`).
   *
   * @param source - a source name
   * @throws {GroupResolverSourceError} when no such source exists
   */
  selectDefaultSource(source: string): void {
    if (!this.inner.sources().includes(source)) throw new GroupResolverSourceError(source);
    this.#defaultOverride = source;
  }

  get defaultSource(): string | undefined {
    return this.#defaultOverride ?? this.inner.defaultSource;
  }

  get illegalChars(): string | undefined {
    return this.inner.illegalChars;
  }

  #src(source: string | undefined): string | undefined {
    return source ?? this.#defaultOverride;
  }

  sources(): readonly string[] {
    const all = this.inner.sources();
    const first = this.#defaultOverride;
    if (first === undefined) return all;
    return [first, ...all.filter((s) => s !== first)];
  }

  groupNodes(group: string, source?: string): readonly string[] {
    return this.inner.groupNodes(group, this.#src(source));
  }

  allNodes(source?: string): readonly string[] {
    return this.inner.allNodes(this.#src(source));
  }

  groupList(source?: string): readonly string[] {
    return this.inner.groupList(this.#src(source));
  }

  hasNodeGroups(source?: string): boolean {
    return this.inner.hasNodeGroups(this.#src(source));
  }

  nodeGroups(node: string, source?: string): readonly string[] {
    return this.inner.nodeGroups(node, this.#src(source));
  }
}
