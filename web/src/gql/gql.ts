/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ProjectShell($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id slug name viewerRole organization { slug name } }\n  }\n": typeof types.ProjectShellDocument,
    "\n  query AuditLog($org: String!, $project: String!, $after: String, $filter: AuditLogFilterInput) {\n    auditLog(org: $org, project: $project, first: 50, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query AuditChain($org: String!, $project: String!) {\n    auditChain(org: $org, project: $project) { verified verifiedEvents brokenAt problem }\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n": typeof types.AuditChainDocument,
    "\n  mutation DeployVersion($org: String!, $project: String!, $environment: String!, $changes: [DeployChangeInput!]!, $message: String!) {\n    deploy(org: $org, project: $project, environment: $environment, changes: $changes, message: $message) { id state }\n  }\n": typeof types.DeployVersionDocument,
    "\n  query DeployTargets($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name isDefaultPublishTarget policy { allowDirect requiredApprovals freezeWindows { start end } } } }\n      resources(first: 100) { nodes { id kind key latestVersion { number } } }\n    }\n  }\n": typeof types.DeployTargetsDocument,
    "\n  mutation CreatePrompt($org: String!, $project: String!, $key: String!) {\n    createPrompt(org: $org, project: $project, key: $key) { id key }\n  }\n": typeof types.CreatePromptDocument,
    "\n  mutation PublishPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) {\n      created version { number } releases { id state targetEnvironment { slug } }\n    }\n  }\n": typeof types.PublishPromptVersionDocument,
    "\n  query EnvironmentDeployments($org: String!, $project: String!, $environment: String!) {\n    environment(org: $org, project: $project, slug: $environment) {\n      id name slug\n      deployments(first: 50) {\n        nodes {\n          id sequence deployedAt\n          deployedBy { subject name }\n          release { id origin }\n          changes { resource { key } fromVersion { number } toVersion { number } }\n        }\n      }\n    }\n  }\n": typeof types.EnvironmentDeploymentsDocument,
    "\n  mutation Rollback($org: String!, $project: String!, $environment: String!, $deployment: ID!) {\n    rollback(org: $org, project: $project, environment: $environment, deployment: $deployment) { id state }\n  }\n": typeof types.RollbackDocument,
    "\n  query EnvironmentSettings($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name description color position isSystem isProduction isDefaultPublishTarget isGatewayFallback\n          policy {\n            revision allowedSources allowDirect requiredApprovals explicitApproverRoles preventSelfApproval\n            minSoakSeconds autoApply expiresAfterSeconds freezeWindows { start end reason }\n          }\n        }\n      }\n    }\n  }\n": typeof types.EnvironmentSettingsDocument,
    "\n  mutation CreateEnvironment($org: String!, $project: String!, $input: CreateEnvironmentInput!) {\n    createEnvironment(org: $org, project: $project, input: $input) { id slug }\n  }\n": typeof types.CreateEnvironmentDocument,
    "\n  mutation UpdateEnvironment($org: String!, $project: String!, $slug: String!, $input: UpdateEnvironmentInput!) {\n    updateEnvironment(org: $org, project: $project, slug: $slug, input: $input) { id name color description }\n  }\n": typeof types.UpdateEnvironmentDocument,
    "\n  mutation ReorderEnvironments($org: String!, $project: String!, $order: [String!]!) {\n    reorderEnvironments(org: $org, project: $project, order: $order) { id position }\n  }\n": typeof types.ReorderEnvironmentsDocument,
    "\n  mutation SetEnvironmentRoles($org: String!, $project: String!, $input: SetEnvironmentRolesInput!) {\n    setEnvironmentRoles(org: $org, project: $project, input: $input) { id isProduction isDefaultPublishTarget isGatewayFallback }\n  }\n": typeof types.SetEnvironmentRolesDocument,
    "\n  mutation DeleteEnvironment($org: String!, $project: String!, $slug: String!) {\n    deleteEnvironment(org: $org, project: $project, slug: $slug) { id }\n  }\n": typeof types.DeleteEnvironmentDocument,
    "\n  mutation SetPromotionPolicy($org: String!, $project: String!, $environment: String!, $input: PromotionPolicyInput!) {\n    setPromotionPolicy(org: $org, project: $project, environment: $environment, input: $input) { id policy { revision } }\n  }\n": typeof types.SetPromotionPolicyDocument,
    "\n  query Members($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug } }\n      members(first: 100) { nodes { role source since user { id subject name } } }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  query ApiKeys($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id apiKeys(first: 100) { nodes { id name prefix environments createdAt revokedAt expiresAt lastUsedAt } } }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation AddMember($org: String!, $project: String!, $subject: String!, $role: Role!) {\n    addMember(org: $org, project: $project, subject: $subject, role: $role) { role }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation RemoveMember($org: String!, $project: String!, $subject: String!) {\n    removeMember(org: $org, project: $project, subject: $subject)\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation CreateApiKey($org: String!, $project: String!, $name: String!, $environments: [String!]!, $expiresAt: DateTime) {\n    createApiKey(org: $org, project: $project, name: $name, environments: $environments, expiresAt: $expiresAt) { secret apiKey { id } }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($org: String!, $project: String!, $id: ID!) {\n    revokeApiKey(org: $org, project: $project, id: $id) { id revokedAt }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query Organizations {\n    viewer {\n      user { subject name }\n      organizations(first: 20) {\n        nodes {\n          id slug name environmentQuota\n          projects(first: 50) { nodes { id slug name viewerRole } }\n        }\n      }\n    }\n  }\n": typeof types.OrganizationsDocument,
    "\n  mutation CreateOrganization($slug: String!, $name: String!) {\n    createOrganization(slug: $slug, name: $name) { id slug }\n  }\n": typeof types.CreateOrganizationDocument,
    "\n  mutation CreateProject($org: String!, $slug: String!, $name: String!) {\n    createProject(org: $org, slug: $slug, name: $name) { id slug }\n  }\n": typeof types.CreateProjectDocument,
    "\n  query ProjectOverview($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback\n        }\n      }\n      releases(states: [PENDING, APPROVED], first: 50) {\n        nodes {\n          id state origin\n          targetEnvironment { slug }\n          changes { resource { kind key } toVersion { number } }\n        }\n      }\n    }\n  }\n": typeof types.ProjectOverviewDocument,
    "\n  query EnvironmentServes($org: String!, $project: String!, $environment: String!) {\n    resolve(org: $org, project: $project, environment: $environment) {\n      etag\n      resources { fellBack servedFrom { slug } resource { id kind key } version { number } }\n    }\n  }\n": typeof types.EnvironmentServesDocument,
    "\n  subscription OverviewEnvironmentChanged($org: String!, $project: String!) {\n    environmentChanged(org: $org, project: $project) { environment { id slug } }\n  }\n": typeof types.OverviewEnvironmentChangedDocument,
    "\n  subscription OverviewReleaseUpdated($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n": typeof types.OverviewReleaseUpdatedDocument,
    "\n  query PromoteEnvironments($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n": typeof types.PromoteEnvironmentsDocument,
    "\n  query PromoteDiff($org: String!, $project: String!, $left: String!, $right: String!) {\n    diffEnvironments(org: $org, project: $project, left: $left, right: $right) {\n      resource { id kind key } left { number } right { number }\n    }\n  }\n": typeof types.PromoteDiffDocument,
    "\n  mutation Promote($org: String!, $project: String!, $source: String!, $target: String!, $message: String!) {\n    promote(org: $org, project: $project, source: $source, target: $target, message: $message) { id state }\n  }\n": typeof types.PromoteDocument,
    "\n  query AwaitingMyApproval($after: String) {\n    releasesAwaitingMyApproval(first: 20, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id origin createdAt organizationSlug projectSlug\n        author { subject name }\n        targetEnvironment { slug }\n        approvalStatus { counted required }\n        changes { resource { key } toVersion { number } }\n      }\n    }\n  }\n": typeof types.AwaitingMyApprovalDocument,
    "\n  query Release($id: ID!) {\n    release(id: $id) {\n      id state origin message policyRevision createdAt updatedAt organizationSlug projectSlug\n      author { subject name }\n      targetEnvironment { slug name policy { revision requiredApprovals autoApply preventSelfApproval approverRoles } }\n      approvalStatus {\n        counted required approverRoles expiresAt\n        counting { user { subject } }\n        waitingFor { kind message until }\n      }\n      source { slug }\n      changes { resource { id kind key } fromVersion { number } toVersion { number } }\n      approvals { user { subject name } at }\n      decision { user { subject } reason at }\n      bypass { user { subject } reason rules at }\n      deployment { id deployedAt }\n    }\n  }\n": typeof types.ReleaseDocument,
    "\n  subscription ReleaseWatch($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n": typeof types.ReleaseWatchDocument,
    "mutation ApproveRelease($id: ID!) { approveRelease(id: $id) { id state } }": typeof types.ApproveReleaseDocument,
    "mutation RejectRelease($id: ID!, $reason: String!) { rejectRelease(id: $id, reason: $reason) { id state } }": typeof types.RejectReleaseDocument,
    "mutation CancelRelease($id: ID!, $reason: String!) { cancelRelease(id: $id, reason: $reason) { id state } }": typeof types.CancelReleaseDocument,
    "mutation ApplyRelease($id: ID!, $bypassReason: String) { applyRelease(id: $id, bypassReason: $bypassReason) { id state } }": typeof types.ApplyReleaseDocument,
    "\n  query ProjectReleases($org: String!, $project: String!, $states: [ReleaseState!]!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      releases(states: $states, first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        nodes { id state origin createdAt author { subject } targetEnvironment { slug } changes { resource { key } toVersion { number } } }\n      }\n    }\n  }\n": typeof types.ProjectReleasesDocument,
    "\n  mutation SetProviderCredential($org: String!, $project: String!, $provider: String!, $secret: String!) {\n    setProviderCredential(org: $org, project: $project, provider: $provider, secret: $secret) { id }\n  }\n": typeof types.SetProviderCredentialDocument,
    "\n  query VersionDiff($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $from: Int!, $to: Int!) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) { id diff(from: $from, to: $to) { path kind before after } }\n    }\n  }\n": typeof types.VersionDiffDocument,
    "\n  query ResourceVersions($org: String!, $project: String!, $kind: ResourceKind!, $key: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name } }\n      resource(kind: $kind, key: $key) {\n        id kind key\n        versions(first: 50) { nodes { id number content contentHash message createdAt author { subject name } } }\n      }\n    }\n  }\n": typeof types.ResourceVersionsDocument,
    "\n  mutation NewPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n": typeof types.NewPromptVersionDocument,
    "\n  mutation NewRoutingRuleRelease($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createRoutingRuleRelease(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n": typeof types.NewRoutingRuleReleaseDocument,
    "\n  mutation NewProviderActivation($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createProviderActivation(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n": typeof types.NewProviderActivationDocument,
    "\n  query Resources($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      resources(first: 100) { nodes { id kind key createdAt latestVersion { number message createdAt } } }\n    }\n  }\n": typeof types.ResourcesDocument,
    "\n  mutation CreatePromptResource($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { id } }\n": typeof types.CreatePromptResourceDocument,
    "\n  mutation CreateRoutingRule($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { id } }\n": typeof types.CreateRoutingRuleDocument,
    "\n  mutation CreateProvider($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { id } }\n": typeof types.CreateProviderDocument,
    "\n  query VersionsPage($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) {\n        id\n        versions(first: 20, after: $after) {\n          pageInfo { hasNextPage endCursor }\n          nodes { id number contentHash message createdAt author { subject name } }\n        }\n      }\n    }\n  }\n": typeof types.VersionsPageDocument,
    "\n  query WebhookDeliveries($org: String!, $project: String!, $endpointAfter: String, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 1, after: $endpointAfter) {\n        nodes {\n          id\n          deliveries(first: 20, after: $after) {\n            pageInfo { hasNextPage endCursor }\n            nodes { id eventId event status attempts nextAttemptAt lastAttemptAt responseCode latencyMs error createdAt }\n          }\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation RedeliverWebhook($org: String!, $project: String!, $id: ID!) {\n    redeliverWebhook(org: $org, project: $project, id: $id) { id status }\n  }\n": typeof types.RedeliverWebhookDocument,
    "\n  mutation UpdateWebhookEndpoint($org: String!, $project: String!, $id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(org: $org, project: $project, id: $id, input: $input) {\n      id url description events enabled disabledReason disabledAt failingSince updatedAt\n    }\n  }\n": typeof types.UpdateWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($org: String!, $project: String!, $id: ID!) {\n    rotateWebhookSecret(org: $org, project: $project, id: $id) { secret endpoint { id previousSecretUntil updatedAt } }\n  }\n": typeof types.RotateWebhookSecretDocument,
    "\n  mutation SendTestWebhook($org: String!, $project: String!, $id: ID!) {\n    sendTestWebhook(org: $org, project: $project, id: $id)\n  }\n": typeof types.SendTestWebhookDocument,
    "\n  mutation DeleteWebhookEndpoint($org: String!, $project: String!, $id: ID!) {\n    deleteWebhookEndpoint(org: $org, project: $project, id: $id)\n  }\n": typeof types.DeleteWebhookEndpointDocument,
    "\n  query WebhookEndpoints($org: String!, $project: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node { id url description events enabled disabledReason disabledAt failingSince previousSecretUntil createdAt updatedAt }\n        }\n      }\n    }\n  }\n": typeof types.WebhookEndpointsDocument,
    "\n  mutation CreateWebhookEndpoint($org: String!, $project: String!, $input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(org: $org, project: $project, input: $input) { secret endpoint { id url } }\n  }\n": typeof types.CreateWebhookEndpointDocument,
};
const documents: Documents = {
    "\n  query ProjectShell($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id slug name viewerRole organization { slug name } }\n  }\n": types.ProjectShellDocument,
    "\n  query AuditLog($org: String!, $project: String!, $after: String, $filter: AuditLogFilterInput) {\n    auditLog(org: $org, project: $project, first: 50, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query AuditChain($org: String!, $project: String!) {\n    auditChain(org: $org, project: $project) { verified verifiedEvents brokenAt problem }\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n": types.AuditChainDocument,
    "\n  mutation DeployVersion($org: String!, $project: String!, $environment: String!, $changes: [DeployChangeInput!]!, $message: String!) {\n    deploy(org: $org, project: $project, environment: $environment, changes: $changes, message: $message) { id state }\n  }\n": types.DeployVersionDocument,
    "\n  query DeployTargets($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name isDefaultPublishTarget policy { allowDirect requiredApprovals freezeWindows { start end } } } }\n      resources(first: 100) { nodes { id kind key latestVersion { number } } }\n    }\n  }\n": types.DeployTargetsDocument,
    "\n  mutation CreatePrompt($org: String!, $project: String!, $key: String!) {\n    createPrompt(org: $org, project: $project, key: $key) { id key }\n  }\n": types.CreatePromptDocument,
    "\n  mutation PublishPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) {\n      created version { number } releases { id state targetEnvironment { slug } }\n    }\n  }\n": types.PublishPromptVersionDocument,
    "\n  query EnvironmentDeployments($org: String!, $project: String!, $environment: String!) {\n    environment(org: $org, project: $project, slug: $environment) {\n      id name slug\n      deployments(first: 50) {\n        nodes {\n          id sequence deployedAt\n          deployedBy { subject name }\n          release { id origin }\n          changes { resource { key } fromVersion { number } toVersion { number } }\n        }\n      }\n    }\n  }\n": types.EnvironmentDeploymentsDocument,
    "\n  mutation Rollback($org: String!, $project: String!, $environment: String!, $deployment: ID!) {\n    rollback(org: $org, project: $project, environment: $environment, deployment: $deployment) { id state }\n  }\n": types.RollbackDocument,
    "\n  query EnvironmentSettings($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name description color position isSystem isProduction isDefaultPublishTarget isGatewayFallback\n          policy {\n            revision allowedSources allowDirect requiredApprovals explicitApproverRoles preventSelfApproval\n            minSoakSeconds autoApply expiresAfterSeconds freezeWindows { start end reason }\n          }\n        }\n      }\n    }\n  }\n": types.EnvironmentSettingsDocument,
    "\n  mutation CreateEnvironment($org: String!, $project: String!, $input: CreateEnvironmentInput!) {\n    createEnvironment(org: $org, project: $project, input: $input) { id slug }\n  }\n": types.CreateEnvironmentDocument,
    "\n  mutation UpdateEnvironment($org: String!, $project: String!, $slug: String!, $input: UpdateEnvironmentInput!) {\n    updateEnvironment(org: $org, project: $project, slug: $slug, input: $input) { id name color description }\n  }\n": types.UpdateEnvironmentDocument,
    "\n  mutation ReorderEnvironments($org: String!, $project: String!, $order: [String!]!) {\n    reorderEnvironments(org: $org, project: $project, order: $order) { id position }\n  }\n": types.ReorderEnvironmentsDocument,
    "\n  mutation SetEnvironmentRoles($org: String!, $project: String!, $input: SetEnvironmentRolesInput!) {\n    setEnvironmentRoles(org: $org, project: $project, input: $input) { id isProduction isDefaultPublishTarget isGatewayFallback }\n  }\n": types.SetEnvironmentRolesDocument,
    "\n  mutation DeleteEnvironment($org: String!, $project: String!, $slug: String!) {\n    deleteEnvironment(org: $org, project: $project, slug: $slug) { id }\n  }\n": types.DeleteEnvironmentDocument,
    "\n  mutation SetPromotionPolicy($org: String!, $project: String!, $environment: String!, $input: PromotionPolicyInput!) {\n    setPromotionPolicy(org: $org, project: $project, environment: $environment, input: $input) { id policy { revision } }\n  }\n": types.SetPromotionPolicyDocument,
    "\n  query Members($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug } }\n      members(first: 100) { nodes { role source since user { id subject name } } }\n    }\n  }\n": types.MembersDocument,
    "\n  query ApiKeys($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id apiKeys(first: 100) { nodes { id name prefix environments createdAt revokedAt expiresAt lastUsedAt } } }\n  }\n": types.ApiKeysDocument,
    "\n  mutation AddMember($org: String!, $project: String!, $subject: String!, $role: Role!) {\n    addMember(org: $org, project: $project, subject: $subject, role: $role) { role }\n  }\n": types.AddMemberDocument,
    "\n  mutation RemoveMember($org: String!, $project: String!, $subject: String!) {\n    removeMember(org: $org, project: $project, subject: $subject)\n  }\n": types.RemoveMemberDocument,
    "\n  mutation CreateApiKey($org: String!, $project: String!, $name: String!, $environments: [String!]!, $expiresAt: DateTime) {\n    createApiKey(org: $org, project: $project, name: $name, environments: $environments, expiresAt: $expiresAt) { secret apiKey { id } }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($org: String!, $project: String!, $id: ID!) {\n    revokeApiKey(org: $org, project: $project, id: $id) { id revokedAt }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query Organizations {\n    viewer {\n      user { subject name }\n      organizations(first: 20) {\n        nodes {\n          id slug name environmentQuota\n          projects(first: 50) { nodes { id slug name viewerRole } }\n        }\n      }\n    }\n  }\n": types.OrganizationsDocument,
    "\n  mutation CreateOrganization($slug: String!, $name: String!) {\n    createOrganization(slug: $slug, name: $name) { id slug }\n  }\n": types.CreateOrganizationDocument,
    "\n  mutation CreateProject($org: String!, $slug: String!, $name: String!) {\n    createProject(org: $org, slug: $slug, name: $name) { id slug }\n  }\n": types.CreateProjectDocument,
    "\n  query ProjectOverview($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback\n        }\n      }\n      releases(states: [PENDING, APPROVED], first: 50) {\n        nodes {\n          id state origin\n          targetEnvironment { slug }\n          changes { resource { kind key } toVersion { number } }\n        }\n      }\n    }\n  }\n": types.ProjectOverviewDocument,
    "\n  query EnvironmentServes($org: String!, $project: String!, $environment: String!) {\n    resolve(org: $org, project: $project, environment: $environment) {\n      etag\n      resources { fellBack servedFrom { slug } resource { id kind key } version { number } }\n    }\n  }\n": types.EnvironmentServesDocument,
    "\n  subscription OverviewEnvironmentChanged($org: String!, $project: String!) {\n    environmentChanged(org: $org, project: $project) { environment { id slug } }\n  }\n": types.OverviewEnvironmentChangedDocument,
    "\n  subscription OverviewReleaseUpdated($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n": types.OverviewReleaseUpdatedDocument,
    "\n  query PromoteEnvironments($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n": types.PromoteEnvironmentsDocument,
    "\n  query PromoteDiff($org: String!, $project: String!, $left: String!, $right: String!) {\n    diffEnvironments(org: $org, project: $project, left: $left, right: $right) {\n      resource { id kind key } left { number } right { number }\n    }\n  }\n": types.PromoteDiffDocument,
    "\n  mutation Promote($org: String!, $project: String!, $source: String!, $target: String!, $message: String!) {\n    promote(org: $org, project: $project, source: $source, target: $target, message: $message) { id state }\n  }\n": types.PromoteDocument,
    "\n  query AwaitingMyApproval($after: String) {\n    releasesAwaitingMyApproval(first: 20, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id origin createdAt organizationSlug projectSlug\n        author { subject name }\n        targetEnvironment { slug }\n        approvalStatus { counted required }\n        changes { resource { key } toVersion { number } }\n      }\n    }\n  }\n": types.AwaitingMyApprovalDocument,
    "\n  query Release($id: ID!) {\n    release(id: $id) {\n      id state origin message policyRevision createdAt updatedAt organizationSlug projectSlug\n      author { subject name }\n      targetEnvironment { slug name policy { revision requiredApprovals autoApply preventSelfApproval approverRoles } }\n      approvalStatus {\n        counted required approverRoles expiresAt\n        counting { user { subject } }\n        waitingFor { kind message until }\n      }\n      source { slug }\n      changes { resource { id kind key } fromVersion { number } toVersion { number } }\n      approvals { user { subject name } at }\n      decision { user { subject } reason at }\n      bypass { user { subject } reason rules at }\n      deployment { id deployedAt }\n    }\n  }\n": types.ReleaseDocument,
    "\n  subscription ReleaseWatch($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n": types.ReleaseWatchDocument,
    "mutation ApproveRelease($id: ID!) { approveRelease(id: $id) { id state } }": types.ApproveReleaseDocument,
    "mutation RejectRelease($id: ID!, $reason: String!) { rejectRelease(id: $id, reason: $reason) { id state } }": types.RejectReleaseDocument,
    "mutation CancelRelease($id: ID!, $reason: String!) { cancelRelease(id: $id, reason: $reason) { id state } }": types.CancelReleaseDocument,
    "mutation ApplyRelease($id: ID!, $bypassReason: String) { applyRelease(id: $id, bypassReason: $bypassReason) { id state } }": types.ApplyReleaseDocument,
    "\n  query ProjectReleases($org: String!, $project: String!, $states: [ReleaseState!]!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      releases(states: $states, first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        nodes { id state origin createdAt author { subject } targetEnvironment { slug } changes { resource { key } toVersion { number } } }\n      }\n    }\n  }\n": types.ProjectReleasesDocument,
    "\n  mutation SetProviderCredential($org: String!, $project: String!, $provider: String!, $secret: String!) {\n    setProviderCredential(org: $org, project: $project, provider: $provider, secret: $secret) { id }\n  }\n": types.SetProviderCredentialDocument,
    "\n  query VersionDiff($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $from: Int!, $to: Int!) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) { id diff(from: $from, to: $to) { path kind before after } }\n    }\n  }\n": types.VersionDiffDocument,
    "\n  query ResourceVersions($org: String!, $project: String!, $kind: ResourceKind!, $key: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name } }\n      resource(kind: $kind, key: $key) {\n        id kind key\n        versions(first: 50) { nodes { id number content contentHash message createdAt author { subject name } } }\n      }\n    }\n  }\n": types.ResourceVersionsDocument,
    "\n  mutation NewPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n": types.NewPromptVersionDocument,
    "\n  mutation NewRoutingRuleRelease($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createRoutingRuleRelease(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n": types.NewRoutingRuleReleaseDocument,
    "\n  mutation NewProviderActivation($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createProviderActivation(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n": types.NewProviderActivationDocument,
    "\n  query Resources($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      resources(first: 100) { nodes { id kind key createdAt latestVersion { number message createdAt } } }\n    }\n  }\n": types.ResourcesDocument,
    "\n  mutation CreatePromptResource($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { id } }\n": types.CreatePromptResourceDocument,
    "\n  mutation CreateRoutingRule($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { id } }\n": types.CreateRoutingRuleDocument,
    "\n  mutation CreateProvider($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { id } }\n": types.CreateProviderDocument,
    "\n  query VersionsPage($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) {\n        id\n        versions(first: 20, after: $after) {\n          pageInfo { hasNextPage endCursor }\n          nodes { id number contentHash message createdAt author { subject name } }\n        }\n      }\n    }\n  }\n": types.VersionsPageDocument,
    "\n  query WebhookDeliveries($org: String!, $project: String!, $endpointAfter: String, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 1, after: $endpointAfter) {\n        nodes {\n          id\n          deliveries(first: 20, after: $after) {\n            pageInfo { hasNextPage endCursor }\n            nodes { id eventId event status attempts nextAttemptAt lastAttemptAt responseCode latencyMs error createdAt }\n          }\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation RedeliverWebhook($org: String!, $project: String!, $id: ID!) {\n    redeliverWebhook(org: $org, project: $project, id: $id) { id status }\n  }\n": types.RedeliverWebhookDocument,
    "\n  mutation UpdateWebhookEndpoint($org: String!, $project: String!, $id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(org: $org, project: $project, id: $id, input: $input) {\n      id url description events enabled disabledReason disabledAt failingSince updatedAt\n    }\n  }\n": types.UpdateWebhookEndpointDocument,
    "\n  mutation RotateWebhookSecret($org: String!, $project: String!, $id: ID!) {\n    rotateWebhookSecret(org: $org, project: $project, id: $id) { secret endpoint { id previousSecretUntil updatedAt } }\n  }\n": types.RotateWebhookSecretDocument,
    "\n  mutation SendTestWebhook($org: String!, $project: String!, $id: ID!) {\n    sendTestWebhook(org: $org, project: $project, id: $id)\n  }\n": types.SendTestWebhookDocument,
    "\n  mutation DeleteWebhookEndpoint($org: String!, $project: String!, $id: ID!) {\n    deleteWebhookEndpoint(org: $org, project: $project, id: $id)\n  }\n": types.DeleteWebhookEndpointDocument,
    "\n  query WebhookEndpoints($org: String!, $project: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node { id url description events enabled disabledReason disabledAt failingSince previousSecretUntil createdAt updatedAt }\n        }\n      }\n    }\n  }\n": types.WebhookEndpointsDocument,
    "\n  mutation CreateWebhookEndpoint($org: String!, $project: String!, $input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(org: $org, project: $project, input: $input) { secret endpoint { id url } }\n  }\n": types.CreateWebhookEndpointDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProjectShell($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id slug name viewerRole organization { slug name } }\n  }\n"): (typeof documents)["\n  query ProjectShell($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id slug name viewerRole organization { slug name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($org: String!, $project: String!, $after: String, $filter: AuditLogFilterInput) {\n    auditLog(org: $org, project: $project, first: 50, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($org: String!, $project: String!, $after: String, $filter: AuditLogFilterInput) {\n    auditLog(org: $org, project: $project, first: 50, after: $after, filter: $filter) {\n      pageInfo { hasNextPage endCursor }\n      nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditChain($org: String!, $project: String!) {\n    auditChain(org: $org, project: $project) { verified verifiedEvents brokenAt problem }\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n"): (typeof documents)["\n  query AuditChain($org: String!, $project: String!) {\n    auditChain(org: $org, project: $project) { verified verifiedEvents brokenAt problem }\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeployVersion($org: String!, $project: String!, $environment: String!, $changes: [DeployChangeInput!]!, $message: String!) {\n    deploy(org: $org, project: $project, environment: $environment, changes: $changes, message: $message) { id state }\n  }\n"): (typeof documents)["\n  mutation DeployVersion($org: String!, $project: String!, $environment: String!, $changes: [DeployChangeInput!]!, $message: String!) {\n    deploy(org: $org, project: $project, environment: $environment, changes: $changes, message: $message) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeployTargets($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name isDefaultPublishTarget policy { allowDirect requiredApprovals freezeWindows { start end } } } }\n      resources(first: 100) { nodes { id kind key latestVersion { number } } }\n    }\n  }\n"): (typeof documents)["\n  query DeployTargets($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name isDefaultPublishTarget policy { allowDirect requiredApprovals freezeWindows { start end } } } }\n      resources(first: 100) { nodes { id kind key latestVersion { number } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePrompt($org: String!, $project: String!, $key: String!) {\n    createPrompt(org: $org, project: $project, key: $key) { id key }\n  }\n"): (typeof documents)["\n  mutation CreatePrompt($org: String!, $project: String!, $key: String!) {\n    createPrompt(org: $org, project: $project, key: $key) { id key }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) {\n      created version { number } releases { id state targetEnvironment { slug } }\n    }\n  }\n"): (typeof documents)["\n  mutation PublishPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) {\n      created version { number } releases { id state targetEnvironment { slug } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentDeployments($org: String!, $project: String!, $environment: String!) {\n    environment(org: $org, project: $project, slug: $environment) {\n      id name slug\n      deployments(first: 50) {\n        nodes {\n          id sequence deployedAt\n          deployedBy { subject name }\n          release { id origin }\n          changes { resource { key } fromVersion { number } toVersion { number } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EnvironmentDeployments($org: String!, $project: String!, $environment: String!) {\n    environment(org: $org, project: $project, slug: $environment) {\n      id name slug\n      deployments(first: 50) {\n        nodes {\n          id sequence deployedAt\n          deployedBy { subject name }\n          release { id origin }\n          changes { resource { key } fromVersion { number } toVersion { number } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Rollback($org: String!, $project: String!, $environment: String!, $deployment: ID!) {\n    rollback(org: $org, project: $project, environment: $environment, deployment: $deployment) { id state }\n  }\n"): (typeof documents)["\n  mutation Rollback($org: String!, $project: String!, $environment: String!, $deployment: ID!) {\n    rollback(org: $org, project: $project, environment: $environment, deployment: $deployment) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentSettings($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name description color position isSystem isProduction isDefaultPublishTarget isGatewayFallback\n          policy {\n            revision allowedSources allowDirect requiredApprovals explicitApproverRoles preventSelfApproval\n            minSoakSeconds autoApply expiresAfterSeconds freezeWindows { start end reason }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EnvironmentSettings($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name description color position isSystem isProduction isDefaultPublishTarget isGatewayFallback\n          policy {\n            revision allowedSources allowDirect requiredApprovals explicitApproverRoles preventSelfApproval\n            minSoakSeconds autoApply expiresAfterSeconds freezeWindows { start end reason }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateEnvironment($org: String!, $project: String!, $input: CreateEnvironmentInput!) {\n    createEnvironment(org: $org, project: $project, input: $input) { id slug }\n  }\n"): (typeof documents)["\n  mutation CreateEnvironment($org: String!, $project: String!, $input: CreateEnvironmentInput!) {\n    createEnvironment(org: $org, project: $project, input: $input) { id slug }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateEnvironment($org: String!, $project: String!, $slug: String!, $input: UpdateEnvironmentInput!) {\n    updateEnvironment(org: $org, project: $project, slug: $slug, input: $input) { id name color description }\n  }\n"): (typeof documents)["\n  mutation UpdateEnvironment($org: String!, $project: String!, $slug: String!, $input: UpdateEnvironmentInput!) {\n    updateEnvironment(org: $org, project: $project, slug: $slug, input: $input) { id name color description }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReorderEnvironments($org: String!, $project: String!, $order: [String!]!) {\n    reorderEnvironments(org: $org, project: $project, order: $order) { id position }\n  }\n"): (typeof documents)["\n  mutation ReorderEnvironments($org: String!, $project: String!, $order: [String!]!) {\n    reorderEnvironments(org: $org, project: $project, order: $order) { id position }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetEnvironmentRoles($org: String!, $project: String!, $input: SetEnvironmentRolesInput!) {\n    setEnvironmentRoles(org: $org, project: $project, input: $input) { id isProduction isDefaultPublishTarget isGatewayFallback }\n  }\n"): (typeof documents)["\n  mutation SetEnvironmentRoles($org: String!, $project: String!, $input: SetEnvironmentRolesInput!) {\n    setEnvironmentRoles(org: $org, project: $project, input: $input) { id isProduction isDefaultPublishTarget isGatewayFallback }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteEnvironment($org: String!, $project: String!, $slug: String!) {\n    deleteEnvironment(org: $org, project: $project, slug: $slug) { id }\n  }\n"): (typeof documents)["\n  mutation DeleteEnvironment($org: String!, $project: String!, $slug: String!) {\n    deleteEnvironment(org: $org, project: $project, slug: $slug) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPromotionPolicy($org: String!, $project: String!, $environment: String!, $input: PromotionPolicyInput!) {\n    setPromotionPolicy(org: $org, project: $project, environment: $environment, input: $input) { id policy { revision } }\n  }\n"): (typeof documents)["\n  mutation SetPromotionPolicy($org: String!, $project: String!, $environment: String!, $input: PromotionPolicyInput!) {\n    setPromotionPolicy(org: $org, project: $project, environment: $environment, input: $input) { id policy { revision } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug } }\n      members(first: 100) { nodes { role source since user { id subject name } } }\n    }\n  }\n"): (typeof documents)["\n  query Members($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug } }\n      members(first: 100) { nodes { role source since user { id subject name } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id apiKeys(first: 100) { nodes { id name prefix environments createdAt revokedAt expiresAt lastUsedAt } } }\n  }\n"): (typeof documents)["\n  query ApiKeys($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id apiKeys(first: 100) { nodes { id name prefix environments createdAt revokedAt expiresAt lastUsedAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($org: String!, $project: String!, $subject: String!, $role: Role!) {\n    addMember(org: $org, project: $project, subject: $subject, role: $role) { role }\n  }\n"): (typeof documents)["\n  mutation AddMember($org: String!, $project: String!, $subject: String!, $role: Role!) {\n    addMember(org: $org, project: $project, subject: $subject, role: $role) { role }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($org: String!, $project: String!, $subject: String!) {\n    removeMember(org: $org, project: $project, subject: $subject)\n  }\n"): (typeof documents)["\n  mutation RemoveMember($org: String!, $project: String!, $subject: String!) {\n    removeMember(org: $org, project: $project, subject: $subject)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($org: String!, $project: String!, $name: String!, $environments: [String!]!, $expiresAt: DateTime) {\n    createApiKey(org: $org, project: $project, name: $name, environments: $environments, expiresAt: $expiresAt) { secret apiKey { id } }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($org: String!, $project: String!, $name: String!, $environments: [String!]!, $expiresAt: DateTime) {\n    createApiKey(org: $org, project: $project, name: $name, environments: $environments, expiresAt: $expiresAt) { secret apiKey { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($org: String!, $project: String!, $id: ID!) {\n    revokeApiKey(org: $org, project: $project, id: $id) { id revokedAt }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($org: String!, $project: String!, $id: ID!) {\n    revokeApiKey(org: $org, project: $project, id: $id) { id revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Organizations {\n    viewer {\n      user { subject name }\n      organizations(first: 20) {\n        nodes {\n          id slug name environmentQuota\n          projects(first: 50) { nodes { id slug name viewerRole } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Organizations {\n    viewer {\n      user { subject name }\n      organizations(first: 20) {\n        nodes {\n          id slug name environmentQuota\n          projects(first: 50) { nodes { id slug name viewerRole } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrganization($slug: String!, $name: String!) {\n    createOrganization(slug: $slug, name: $name) { id slug }\n  }\n"): (typeof documents)["\n  mutation CreateOrganization($slug: String!, $name: String!) {\n    createOrganization(slug: $slug, name: $name) { id slug }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProject($org: String!, $slug: String!, $name: String!) {\n    createProject(org: $org, slug: $slug, name: $name) { id slug }\n  }\n"): (typeof documents)["\n  mutation CreateProject($org: String!, $slug: String!, $name: String!) {\n    createProject(org: $org, slug: $slug, name: $name) { id slug }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProjectOverview($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback\n        }\n      }\n      releases(states: [PENDING, APPROVED], first: 50) {\n        nodes {\n          id state origin\n          targetEnvironment { slug }\n          changes { resource { kind key } toVersion { number } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProjectOverview($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) {\n        nodes {\n          id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback\n        }\n      }\n      releases(states: [PENDING, APPROVED], first: 50) {\n        nodes {\n          id state origin\n          targetEnvironment { slug }\n          changes { resource { kind key } toVersion { number } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnvironmentServes($org: String!, $project: String!, $environment: String!) {\n    resolve(org: $org, project: $project, environment: $environment) {\n      etag\n      resources { fellBack servedFrom { slug } resource { id kind key } version { number } }\n    }\n  }\n"): (typeof documents)["\n  query EnvironmentServes($org: String!, $project: String!, $environment: String!) {\n    resolve(org: $org, project: $project, environment: $environment) {\n      etag\n      resources { fellBack servedFrom { slug } resource { id kind key } version { number } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OverviewEnvironmentChanged($org: String!, $project: String!) {\n    environmentChanged(org: $org, project: $project) { environment { id slug } }\n  }\n"): (typeof documents)["\n  subscription OverviewEnvironmentChanged($org: String!, $project: String!) {\n    environmentChanged(org: $org, project: $project) { environment { id slug } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OverviewReleaseUpdated($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n"): (typeof documents)["\n  subscription OverviewReleaseUpdated($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromoteEnvironments($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n"): (typeof documents)["\n  query PromoteEnvironments($org: String!, $project: String!) {\n    project(org: $org, slug: $project) { id environments(first: 100) { nodes { id slug name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromoteDiff($org: String!, $project: String!, $left: String!, $right: String!) {\n    diffEnvironments(org: $org, project: $project, left: $left, right: $right) {\n      resource { id kind key } left { number } right { number }\n    }\n  }\n"): (typeof documents)["\n  query PromoteDiff($org: String!, $project: String!, $left: String!, $right: String!) {\n    diffEnvironments(org: $org, project: $project, left: $left, right: $right) {\n      resource { id kind key } left { number } right { number }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Promote($org: String!, $project: String!, $source: String!, $target: String!, $message: String!) {\n    promote(org: $org, project: $project, source: $source, target: $target, message: $message) { id state }\n  }\n"): (typeof documents)["\n  mutation Promote($org: String!, $project: String!, $source: String!, $target: String!, $message: String!) {\n    promote(org: $org, project: $project, source: $source, target: $target, message: $message) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AwaitingMyApproval($after: String) {\n    releasesAwaitingMyApproval(first: 20, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id origin createdAt organizationSlug projectSlug\n        author { subject name }\n        targetEnvironment { slug }\n        approvalStatus { counted required }\n        changes { resource { key } toVersion { number } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AwaitingMyApproval($after: String) {\n    releasesAwaitingMyApproval(first: 20, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id origin createdAt organizationSlug projectSlug\n        author { subject name }\n        targetEnvironment { slug }\n        approvalStatus { counted required }\n        changes { resource { key } toVersion { number } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Release($id: ID!) {\n    release(id: $id) {\n      id state origin message policyRevision createdAt updatedAt organizationSlug projectSlug\n      author { subject name }\n      targetEnvironment { slug name policy { revision requiredApprovals autoApply preventSelfApproval approverRoles } }\n      approvalStatus {\n        counted required approverRoles expiresAt\n        counting { user { subject } }\n        waitingFor { kind message until }\n      }\n      source { slug }\n      changes { resource { id kind key } fromVersion { number } toVersion { number } }\n      approvals { user { subject name } at }\n      decision { user { subject } reason at }\n      bypass { user { subject } reason rules at }\n      deployment { id deployedAt }\n    }\n  }\n"): (typeof documents)["\n  query Release($id: ID!) {\n    release(id: $id) {\n      id state origin message policyRevision createdAt updatedAt organizationSlug projectSlug\n      author { subject name }\n      targetEnvironment { slug name policy { revision requiredApprovals autoApply preventSelfApproval approverRoles } }\n      approvalStatus {\n        counted required approverRoles expiresAt\n        counting { user { subject } }\n        waitingFor { kind message until }\n      }\n      source { slug }\n      changes { resource { id kind key } fromVersion { number } toVersion { number } }\n      approvals { user { subject name } at }\n      decision { user { subject } reason at }\n      bypass { user { subject } reason rules at }\n      deployment { id deployedAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ReleaseWatch($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n"): (typeof documents)["\n  subscription ReleaseWatch($org: String!, $project: String!) {\n    releaseUpdated(org: $org, project: $project) { id state }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ApproveRelease($id: ID!) { approveRelease(id: $id) { id state } }"): (typeof documents)["mutation ApproveRelease($id: ID!) { approveRelease(id: $id) { id state } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RejectRelease($id: ID!, $reason: String!) { rejectRelease(id: $id, reason: $reason) { id state } }"): (typeof documents)["mutation RejectRelease($id: ID!, $reason: String!) { rejectRelease(id: $id, reason: $reason) { id state } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelRelease($id: ID!, $reason: String!) { cancelRelease(id: $id, reason: $reason) { id state } }"): (typeof documents)["mutation CancelRelease($id: ID!, $reason: String!) { cancelRelease(id: $id, reason: $reason) { id state } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ApplyRelease($id: ID!, $bypassReason: String) { applyRelease(id: $id, bypassReason: $bypassReason) { id state } }"): (typeof documents)["mutation ApplyRelease($id: ID!, $bypassReason: String) { applyRelease(id: $id, bypassReason: $bypassReason) { id state } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProjectReleases($org: String!, $project: String!, $states: [ReleaseState!]!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      releases(states: $states, first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        nodes { id state origin createdAt author { subject } targetEnvironment { slug } changes { resource { key } toVersion { number } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProjectReleases($org: String!, $project: String!, $states: [ReleaseState!]!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      releases(states: $states, first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        nodes { id state origin createdAt author { subject } targetEnvironment { slug } changes { resource { key } toVersion { number } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetProviderCredential($org: String!, $project: String!, $provider: String!, $secret: String!) {\n    setProviderCredential(org: $org, project: $project, provider: $provider, secret: $secret) { id }\n  }\n"): (typeof documents)["\n  mutation SetProviderCredential($org: String!, $project: String!, $provider: String!, $secret: String!) {\n    setProviderCredential(org: $org, project: $project, provider: $provider, secret: $secret) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionDiff($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $from: Int!, $to: Int!) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) { id diff(from: $from, to: $to) { path kind before after } }\n    }\n  }\n"): (typeof documents)["\n  query VersionDiff($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $from: Int!, $to: Int!) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) { id diff(from: $from, to: $to) { path kind before after } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResourceVersions($org: String!, $project: String!, $kind: ResourceKind!, $key: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name } }\n      resource(kind: $kind, key: $key) {\n        id kind key\n        versions(first: 50) { nodes { id number content contentHash message createdAt author { subject name } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ResourceVersions($org: String!, $project: String!, $kind: ResourceKind!, $key: String!) {\n    project(org: $org, slug: $project) {\n      id\n      environments(first: 100) { nodes { id slug name } }\n      resource(kind: $kind, key: $key) {\n        id kind key\n        versions(first: 50) { nodes { id number content contentHash message createdAt author { subject name } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NewPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n"): (typeof documents)["\n  mutation NewPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NewRoutingRuleRelease($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createRoutingRuleRelease(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n"): (typeof documents)["\n  mutation NewRoutingRuleRelease($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createRoutingRuleRelease(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NewProviderActivation($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createProviderActivation(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n"): (typeof documents)["\n  mutation NewProviderActivation($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {\n    createProviderActivation(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Resources($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      resources(first: 100) { nodes { id kind key createdAt latestVersion { number message createdAt } } }\n    }\n  }\n"): (typeof documents)["\n  query Resources($org: String!, $project: String!) {\n    project(org: $org, slug: $project) {\n      id\n      resources(first: 100) { nodes { id kind key createdAt latestVersion { number message createdAt } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePromptResource($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { id } }\n"): (typeof documents)["\n  mutation CreatePromptResource($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRoutingRule($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { id } }\n"): (typeof documents)["\n  mutation CreateRoutingRule($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProvider($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { id } }\n"): (typeof documents)["\n  mutation CreateProvider($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionsPage($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) {\n        id\n        versions(first: 20, after: $after) {\n          pageInfo { hasNextPage endCursor }\n          nodes { id number contentHash message createdAt author { subject name } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query VersionsPage($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      resource(kind: $kind, key: $key) {\n        id\n        versions(first: 20, after: $after) {\n          pageInfo { hasNextPage endCursor }\n          nodes { id number contentHash message createdAt author { subject name } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($org: String!, $project: String!, $endpointAfter: String, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 1, after: $endpointAfter) {\n        nodes {\n          id\n          deliveries(first: 20, after: $after) {\n            pageInfo { hasNextPage endCursor }\n            nodes { id eventId event status attempts nextAttemptAt lastAttemptAt responseCode latencyMs error createdAt }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($org: String!, $project: String!, $endpointAfter: String, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 1, after: $endpointAfter) {\n        nodes {\n          id\n          deliveries(first: 20, after: $after) {\n            pageInfo { hasNextPage endCursor }\n            nodes { id eventId event status attempts nextAttemptAt lastAttemptAt responseCode latencyMs error createdAt }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverWebhook($org: String!, $project: String!, $id: ID!) {\n    redeliverWebhook(org: $org, project: $project, id: $id) { id status }\n  }\n"): (typeof documents)["\n  mutation RedeliverWebhook($org: String!, $project: String!, $id: ID!) {\n    redeliverWebhook(org: $org, project: $project, id: $id) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhookEndpoint($org: String!, $project: String!, $id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(org: $org, project: $project, id: $id, input: $input) {\n      id url description events enabled disabledReason disabledAt failingSince updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhookEndpoint($org: String!, $project: String!, $id: ID!, $input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(org: $org, project: $project, id: $id, input: $input) {\n      id url description events enabled disabledReason disabledAt failingSince updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateWebhookSecret($org: String!, $project: String!, $id: ID!) {\n    rotateWebhookSecret(org: $org, project: $project, id: $id) { secret endpoint { id previousSecretUntil updatedAt } }\n  }\n"): (typeof documents)["\n  mutation RotateWebhookSecret($org: String!, $project: String!, $id: ID!) {\n    rotateWebhookSecret(org: $org, project: $project, id: $id) { secret endpoint { id previousSecretUntil updatedAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestWebhook($org: String!, $project: String!, $id: ID!) {\n    sendTestWebhook(org: $org, project: $project, id: $id)\n  }\n"): (typeof documents)["\n  mutation SendTestWebhook($org: String!, $project: String!, $id: ID!) {\n    sendTestWebhook(org: $org, project: $project, id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookEndpoint($org: String!, $project: String!, $id: ID!) {\n    deleteWebhookEndpoint(org: $org, project: $project, id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhookEndpoint($org: String!, $project: String!, $id: ID!) {\n    deleteWebhookEndpoint(org: $org, project: $project, id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoints($org: String!, $project: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node { id url description events enabled disabledReason disabledAt failingSince previousSecretUntil createdAt updatedAt }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookEndpoints($org: String!, $project: String!, $after: String) {\n    project(org: $org, slug: $project) {\n      id\n      webhookEndpoints(first: 20, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node { id url description events enabled disabledReason disabledAt failingSince previousSecretUntil createdAt updatedAt }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($org: String!, $project: String!, $input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(org: $org, project: $project, input: $input) { secret endpoint { id url } }\n  }\n"): (typeof documents)["\n  mutation CreateWebhookEndpoint($org: String!, $project: String!, $input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(org: $org, project: $project, input: $input) { secret endpoint { id url } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;