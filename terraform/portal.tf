# The developer portal's backend (Backstage) acts as this Google service
# account through Workload Identity, so no key file exists. It lists the
# project's GKE clusters (the gke cluster locator) and reads, never writes,
# the chatbots' objects in them (helm/chatbot-platform grants a namespaced
# read-only Role to this account), and reaches its database through the
# Cloud SQL Auth Proxy.

resource "google_service_account" "portal" {
  account_id   = "chatbot-portal"
  display_name = "Developer portal backend (Backstage)"
}

locals {
  portal_roles = [
    "roles/container.clusterViewer", # container.clusters.get/list: cluster discovery only
    "roles/cloudsql.client",         # the Cloud SQL Auth Proxy beside the portal (helm/portal)
  ]
}

resource "google_project_iam_member" "portal" {
  for_each = toset(local.portal_roles)
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.portal.email}"
}

resource "google_service_account_iam_member" "portal_workload_identity" {
  service_account_id = google_service_account.portal.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${google_container_cluster.this.workload_identity_config[0].workload_pool}[${var.portal_namespace}/${var.portal_service_account}]"
}

# The portal's own database user on the metadata instance. Cloud SQL users
# made through the API belong to cloudsqlsuperuser (CREATEDB), which Backstage
# needs for one database per plugin.
ephemeral "random_password" "portal_db" {
  length  = 32
  special = false
}

resource "google_sql_user" "portal" {
  count               = var.metadata_database.enabled ? 1 : 0
  deletion_policy     = "ABANDON"
  name                = "portal"
  instance            = google_sql_database_instance.metadata[0].name
  password_wo         = ephemeral.random_password.portal_db.result
  password_wo_version = local.db_password_version
}

resource "google_secret_manager_secret" "portal_db_password" {
  count     = var.metadata_database.enabled ? 1 : 0
  secret_id = "${local.cluster_name}-portal-db-password"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "portal_db_password" {
  count                  = var.metadata_database.enabled ? 1 : 0
  secret                 = google_secret_manager_secret.portal_db_password[0].id
  secret_data_wo         = ephemeral.random_password.portal_db.result
  secret_data_wo_version = local.db_password_version
}
