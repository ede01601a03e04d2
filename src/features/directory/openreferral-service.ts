import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  type ApiQuery,
  locationJson,
  pageJson,
  serviceFullJson,
  serviceSummaryJson,
  taxonomyJson,
  taxonomyTermJson,
  UUID,
} from './oruk.ts';
import * as repo from './repository.ts';
import { londonNow } from './service.ts';

/**
 * The public Open Referral UK feed. It reads only directory tables, which hold no personal data, so
 * it needs no sign-in and writes no audit events.
 */
export class OpenReferralService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => Date,
  ) {}

  private today() {
    return londonNow(this.now()).today;
  }

  private page(q: ApiQuery) {
    return { limit: q.perPage, offset: (q.page - 1) * q.perPage };
  }

  async services(q: ApiQuery) {
    const { rows, total } = await repo.searchServices(this.db, q.filters, this.page(q));
    const today = this.today();
    return pageJson(
      rows.map((r) => serviceSummaryJson(r, today)),
      total,
      q.page,
      q.perPage,
    );
  }

  async service(id: string) {
    if (!UUID.test(id)) throw new NotFoundError();
    const row = await repo.findService(this.db, id);
    if (!row) throw new NotFoundError();
    return serviceFullJson(row, await repo.serviceDetails(this.db, [id]), this.today());
  }

  /**
   * With a postcode, only entries whose service area covers its district (or that name no area);
   * with a proximity too, only locations within that many metres of the district's centre.
   */
  async serviceAtLocations(q: ApiQuery) {
    const filters = { ...q.filters };
    if (q.postcode && q.proximity !== undefined) {
      const centre = await repo.districtCentroid(this.db, q.postcode);
      if (!centre) {
        throw new ValidationError([
          { field: 'postcode', message: `No location is held for the postcode district ${q.postcode}` },
        ]);
      }
      filters.near = { latitude: centre.latitude, longitude: centre.longitude, metres: q.proximity };
    } else if (q.postcode) {
      const areas = await repo.areasForDistrict(this.db, q.postcode);
      filters.areaIds = await repo.areaFamily(this.db, areas, true);
      filters.includeUnplaced = true;
    }
    const { rows, total } = await repo.serviceAtLocations(this.db, filters, this.page(q));
    const contents = await this.expandServiceAtLocations(rows, false);
    return pageJson(contents, total, q.page, q.perPage);
  }

  async serviceAtLocation(id: string) {
    if (!UUID.test(id)) throw new NotFoundError();
    const row = await repo.serviceAtLocation(this.db, id);
    if (!row) throw new NotFoundError();
    const [item] = await this.expandServiceAtLocations([row], true);
    return item;
  }

  private async expandServiceAtLocations(
    rows: { id: string; service_id: string; location_id: string }[],
    full: boolean,
  ) {
    const serviceIds = [...new Set(rows.map((r) => r.service_id))];
    const [services, details] = await Promise.all([
      repo.servicesByIds(this.db, serviceIds),
      repo.serviceDetails(this.db, serviceIds),
    ]);
    const today = this.today();
    return rows.map((r) => {
      const service = services.find((s) => s.id === r.service_id)!;
      const location = details.locations.find((l) => l.service_at_location_id === r.id)!;
      const { addresses, accessibility, ...oneToOne } = locationJson(location);
      return {
        id: r.id,
        service_id: r.service_id,
        location_id: r.location_id,
        location: full ? { ...oneToOne, addresses, accessibility } : oneToOne,
        service: full ? serviceFullJson(service, details, today) : serviceSummaryJson(service, today),
      };
    });
  }

  async taxonomies(q: ApiQuery) {
    const { rows, total } = await repo.taxonomies(this.db, this.page(q));
    return pageJson(rows.map(taxonomyJson), total, q.page, q.perPage);
  }

  async taxonomy(id: string) {
    if (!UUID.test(id)) throw new NotFoundError();
    const row = await repo.taxonomy(this.db, id);
    if (!row) throw new NotFoundError();
    return taxonomyJson(row);
  }

  async taxonomyTerms(q: ApiQuery) {
    const { rows, total } = await repo.taxonomyTerms(this.db, this.page(q), q.filters.taxonomyId);
    return pageJson(rows.map(taxonomyTermJson), total, q.page, q.perPage);
  }

  async taxonomyTerm(id: string) {
    if (!UUID.test(id)) throw new NotFoundError();
    const row = await repo.taxonomyTerm(this.db, id);
    if (!row) throw new NotFoundError();
    return taxonomyTermJson(row);
  }
}
