// The API's ItsmPort over the ITSM service: request writes (which raise outbox events) go through the store's group
// commit, so the requests created in one turn of the event loop share one commit with each other and with the
// engine's writes of that turn instead of paying one each. The answer is sent once that commit is durable.
import type { ItsmPort } from '../api/index.ts';
import type { ItsmService } from '../itsm/index.ts';
import type { Store } from '../store/index.ts';

export function groupCommittedItsm(itsm: ItsmService, store: Store): ItsmPort {
  return {
    createRequest: (input, actor) => store.write(() => itsm.createRequest(input, actor)),
    updateRequest: (internalId, patch, actor) => store.write(() => itsm.updateRequest(internalId, patch, actor)),
    getRequest: (internalId) => itsm.getRequest(internalId),
    listRequests: (filter) => itsm.listRequests(filter),
    listRelations: (internalId) => itsm.listRelations(internalId),
    listAudit: (internalId) => itsm.listAudit(internalId),
    createConfigurationItem: (input, actor) => itsm.createConfigurationItem(input, actor),
    listConfigurationItems: (filter) => itsm.listConfigurationItems(filter),
    getConfigurationItem: (id) => itsm.getConfigurationItem(id),
    createTemplate: (input, actor) => itsm.createTemplate(input, actor),
    listTemplates: () => itsm.listTemplates(),
    getTemplate: (name) => itsm.getTemplate(name),
    deleteTemplate: (name) => itsm.deleteTemplate(name),
  };
}
