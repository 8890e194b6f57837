// terraform/: formatted, parseable HCL whose security properties and
// defaults are asserted (no providers can be downloaded here, so no plan).
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { convertFiles } from '@cdktf/hcl2json';
import YAML from 'yaml';
import { root } from './lib.mjs';

const dir = path.join(root, 'terraform');
let hcl = {};

// The create-chatbot template's Infrastructure page is the one home of the
// cluster defaults; terraform/defaults.tf reads them from it.
const infrastructurePage = YAML.parse(
  fs.readFileSync(
    path.join(root, 'templates/create-chatbot/template.yaml'),
    'utf8',
  ),
).spec.parameters.find(page => page.title === 'Infrastructure').properties;
const FROM_TEMPLATE = {
  location: 'location',
  cluster_name: 'clusterName',
  machine_type: 'machineType',
  min_nodes: 'minNodes',
  max_nodes: 'maxNodes',
  release_channel: 'releaseChannel',
};

before(async () => {
  hcl = await convertFiles(dir); // every .tf file of the module, as terraform reads it
});

const variable = name => hcl.variable[name][0];
const cluster = () => hcl.resource.google_container_cluster.this[0];
const pool = () => hcl.resource.google_container_node_pool.default[0];

describe('terraform', () => {
  test('terraform fmt -check passes', () => {
    execFileSync('terraform', ['fmt', '-check', '-recursive', dir], {
      stdio: 'pipe',
    });
  });

  test("cluster defaults come from the template's Infrastructure page: asia-southeast1-b, e2-standard-4, autoscaling 1-2", () => {
    assert.deepEqual(
      Object.fromEntries(
        ['location', 'machineType', 'minNodes', 'maxNodes'].map(k => [
          k,
          infrastructurePage[k].default,
        ]),
      ),
      {
        location: 'asia-southeast1-b',
        machineType: 'e2-standard-4',
        minNodes: 1,
        maxNodes: 2,
      },
    );
    const locals = Object.assign({}, ...hcl.locals);
    assert.match(
      locals.template_file,
      /\/\.\.\/templates\/create-chatbot\/template\.yaml$/,
    );
    assert.match(locals.infrastructure_page, /Infrastructure/);
    for (const [name, field] of Object.entries(FROM_TEMPLATE)) {
      // No second copy of the value here: null, then the template's.
      assert.equal(variable(name).default, null, name);
      assert.equal(
        locals[name],
        `\${coalesce(var.${name}, local.template_defaults.${field})}`,
        name,
      );
      assert.ok(infrastructurePage[field].default !== undefined, field);
    }
    // The GPU pool's machine and accelerator too, when tfvars leave them out.
    for (const [name, field] of [
      ['gpu_machine_type', 'gpuMachineType'],
      ['gpu_accelerator', 'gpuAccelerator'],
    ]) {
      const attribute =
        name === 'gpu_machine_type' ? 'machine_type' : 'accelerator';
      assert.equal(
        locals[name],
        `\${coalesce(var.gpu_pool.${attribute}, local.template_defaults.${field})}`,
      );
      assert.ok(infrastructurePage[field].default !== undefined, field);
    }
    assert.equal(variable('gpu_pool').default.machine_type, undefined);
    // Where both check an input, they check it the same way as the form.
    assert.ok(
      variable('cluster_name').validation[0].condition.includes(
        `regex("${infrastructurePage.clusterName.pattern}"`,
      ),
    );
    assert.ok(
      variable('min_nodes').validation[0].condition.includes(
        `var.min_nodes >= ${infrastructurePage.minNodes.minimum} && var.min_nodes <= ${infrastructurePage.minNodes.maximum}`,
      ),
    );
    const gpu = hcl.resource.google_container_node_pool.gpu[0].node_config[0];
    assert.equal(gpu.machine_type, '${local.gpu_machine_type}');
    assert.equal(gpu.guest_accelerator[0].type, '${local.gpu_accelerator}');
    assert.equal(pool().autoscaling[0].min_node_count, '${local.min_nodes}');
    assert.equal(pool().autoscaling[0].max_node_count, '${local.max_nodes}');
    assert.equal(pool().node_config[0].machine_type, '${local.machine_type}');
    assert.equal(cluster().location, '${local.location}');
  });

  test('variables that take user input are validated', () => {
    for (const name of [
      'project_id',
      'location',
      'cluster_name',
      'min_nodes',
      'max_nodes',
      'release_channel',
      'master_ipv4_cidr_block',
    ]) {
      assert.ok(variable(name).validation, `${name} has a validation block`);
    }
  });

  test('Workload Identity, a release channel and shielded nodes are on; private nodes are an option', () => {
    assert.equal(
      cluster().workload_identity_config[0].workload_pool,
      '${var.project_id}.svc.id.goog',
    );
    assert.equal(
      cluster().release_channel[0].channel,
      '${local.release_channel}',
    );
    assert.equal(cluster().enable_shielded_nodes, true);
    assert.equal(
      cluster().master_auth[0].client_certificate_config[0]
        .issue_client_certificate,
      false,
    );
    assert.equal(
      cluster().dynamic.private_cluster_config[0].for_each,
      '${var.private_nodes ? [1] : []}',
    );
    const node = pool().node_config[0];
    assert.equal(node.workload_metadata_config[0].mode, 'GKE_METADATA');
    assert.equal(node.shielded_instance_config[0].enable_secure_boot, true);
  });

  test('nodes run as a dedicated service account with minimal roles', () => {
    assert.equal(
      pool().node_config[0].service_account,
      '${google_service_account.nodes.email}',
    );
    const roles = hcl.locals.flatMap(l => l.node_roles ?? []);
    assert.ok(roles.length > 0);
    for (const role of roles)
      assert.doesNotMatch(
        role,
        /owner|editor|admin|roles\/container\.|iam\.serviceAccount/,
        role,
      );
  });

  test('the pipeline pushes images through Workload Identity, with writer on one repository only', () => {
    const push =
      hcl.resource.google_artifact_registry_repository_iam_member
        .deployer_push[0];
    assert.equal(push.role, 'roles/artifactregistry.writer');
    const wi =
      hcl.resource.google_service_account_iam_member
        .deployer_workload_identity[0];
    assert.equal(wi.role, 'roles/iam.workloadIdentityUser');
    // From the cluster's attribute, so the binding waits for the identity
    // pool (a first apply otherwise races it: "Identity Pool does not exist").
    assert.equal(
      wi.member,
      'serviceAccount:${google_container_cluster.this.workload_identity_config[0].workload_pool}[${var.jenkins_delivery_namespace}/chatbot-builder]',
    );
    assert.equal(
      hcl.resource.google_service_account_key,
      undefined,
      'no service account keys',
    );
  });

  test('the metadata database is private, TLS-only, backed up, and its password lives in Secret Manager', () => {
    const sql = hcl.resource.google_sql_database_instance.metadata[0];
    const settings = sql.settings[0];
    assert.equal(sql.deletion_protection, true);
    assert.equal(
      settings.ip_configuration[0].ipv4_enabled,
      false,
      'no public IP',
    );
    assert.equal(settings.ip_configuration[0].ssl_mode, 'ENCRYPTED_ONLY');
    assert.equal(
      settings.backup_configuration[0].point_in_time_recovery_enabled,
      true,
    );
    // The password never enters the state: generated for each apply
    // (ephemeral) and written only through write-only arguments.
    assert.ok(hcl.ephemeral.random_password.chatbot_db, 'ephemeral password');
    assert.equal(hcl.resource.random_password, undefined, 'no stored password');
    for (const db of ['chatbot', 'portal']) {
      const user = hcl.resource.google_sql_user[db][0];
      assert.equal(user.password, undefined, db);
      assert.equal(
        user.password_wo,
        `\${ephemeral.random_password.${db}_db.result}`,
      );
      const version =
        hcl.resource.google_secret_manager_secret_version[
          `${db}_db_password`
        ][0];
      assert.equal(version.secret_data, undefined, db);
      assert.equal(
        version.secret_data_wo,
        `\${ephemeral.random_password.${db}_db.result}`,
      );
      assert.equal(version.secret_data_wo_version, user.password_wo_version);
    }
    const versions = hcl.terraform[0];
    assert.match(versions.required_version, />= 1\.11/);
    assert.match(
      versions.required_providers[0].google.version,
      />= 6\.(2[3-9]|[3-9]\d)/,
    );
    assert.match(versions.required_providers[0].random.version, />= 3\.7/);
    for (const [name, [output]] of Object.entries(hcl.output)) {
      assert.doesNotMatch(
        JSON.stringify(output.value),
        /random_password/,
        `output ${name} must not reveal the password`,
      );
    }
    assert.ok(variable('metadata_database').validation.length >= 2);
  });

  test('a remote state backend is offered as an option, and outputs are declared', () => {
    assert.match(
      fs.readFileSync(path.join(dir, 'backend.tf.example'), 'utf8'),
      /backend "gcs"/,
    );
    for (const name of [
      'cluster_name',
      'location',
      'endpoint',
      'workload_identity_pool',
      'get_credentials',
    ]) {
      assert.ok(hcl.output[name], name);
    }
    assert.equal(hcl.output.endpoint[0].sensitive, true);
  });

  test('nodes may pull from the chatbot repository only, not every repository in the project', () => {
    const roles = hcl.locals.flatMap(l => l.node_roles ?? []);
    assert.ok(!roles.includes('roles/artifactregistry.reader'), roles.join());
    const pull =
      hcl.resource.google_artifact_registry_repository_iam_member.nodes_pull[0];
    assert.equal(pull.role, 'roles/artifactregistry.reader');
    assert.equal(
      pull.repository,
      '${google_artifact_registry_repository.chatbots.name}',
    );
  });

  test('slow-statement logs leave out parameters, and database users do not block destroy', () => {
    const flags =
      hcl.resource.google_sql_database_instance.metadata[0].settings[0]
        .database_flags;
    assert.deepEqual(
      flags.find(f => f.name === 'log_parameter_max_length'),
      { name: 'log_parameter_max_length', value: '0' },
    );
    for (const user of ['chatbot', 'portal']) {
      assert.equal(
        hcl.resource.google_sql_user[user][0].deletion_policy,
        'ABANDON',
        user,
      );
    }
  });

  test("the portal's identity reads clusters and reaches Cloud SQL, through Workload Identity", () => {
    assert.deepEqual(hcl.locals.flatMap(l => l.portal_roles ?? []).sort(), [
      'roles/cloudsql.client',
      'roles/container.clusterViewer',
    ]);
    assert.match(
      hcl.resource.google_service_account_iam_member.portal_workload_identity[0]
        .member,
      /^serviceAccount:\$\{google_container_cluster\.this\.workload_identity_config\[0\]\.workload_pool\}\[/,
    );
  });

  test('private nodes by default, with Cloud NAT, a DNS control-plane endpoint, and no default service account anywhere', () => {
    assert.equal(variable('private_nodes').default, true);
    const nat = hcl.resource.google_compute_router_nat.nat[0];
    assert.equal(nat.count, '${var.private_nodes ? 1 : 0}');
    assert.equal(
      nat.source_subnetwork_ip_ranges_to_nat,
      'ALL_SUBNETWORKS_ALL_IP_RANGES',
    );
    assert.equal(
      cluster().control_plane_endpoints_config[0].dns_endpoint_config[0]
        .allow_external_traffic,
      true,
    );
    // The temporary default pool runs as the nodes' own account.
    assert.equal(
      cluster().node_config[0].service_account,
      '${google_service_account.nodes.email}',
    );
  });

  test('a changed min_nodes does not recreate a node pool (initial_node_count is ForceNew)', () => {
    for (const pool of ['default', 'gpu']) {
      assert.deepEqual(
        hcl.resource.google_container_node_pool[pool][0].lifecycle[0]
          .ignore_changes,
        ['${initial_node_count}'],
        pool,
      );
    }
  });

  test('the registry keeps tags immutable and cleans up old images', () => {
    const repo = hcl.resource.google_artifact_registry_repository.chatbots[0];
    assert.equal(repo.docker_config[0].immutable_tags, true);
    assert.equal(repo.cleanup_policy_dry_run, false);
    assert.deepEqual(
      repo.cleanup_policies.map(p => [p.id, p.action]),
      [
        ['delete-untagged', 'DELETE'],
        ['delete-old', 'DELETE'],
        ['keep-recent', 'KEEP'],
      ],
    );
  });

  test('performance-optimized tiers get the Enterprise Plus edition, and an existing peering is adopted, not overwritten', () => {
    const settings =
      hcl.resource.google_sql_database_instance.metadata[0].settings[0];
    assert.match(
      settings.edition,
      /db-perf-optimized.*ENTERPRISE_PLUS.*ENTERPRISE/,
    );
    const locals = Object.assign({}, ...hcl.locals);
    assert.match(
      locals.create_peering,
      /!var\.private_services_peering_exists/,
    );
    assert.equal(
      hcl.resource.google_service_networking_connection.private_services[0]
        .count,
      '${local.create_peering ? 1 : 0}',
    );
  });
});
