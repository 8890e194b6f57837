# PostgreSQL for the chatbots' metadata (collections, ingestion jobs,
# conversation memory), shared by every replica so the chart can scale out
# (helm/model-serving/values-production.yaml). Private IP only, TLS only,
# backups with point-in-time recovery. The password is generated for each
# apply (ephemeral) and written only through write-only arguments, to the
# user and to Secret Manager: it never enters the Terraform state. Bump
# local.db_password_version to rotate it; sync it into the chatbot's
# Kubernetes Secret as PGPASSWORD (External Secrets).

locals {
  db_password_version = 1
  create_peering      = var.metadata_database.enabled && !var.private_services_peering_exists
}

resource "google_compute_global_address" "private_services" {
  count         = local.create_peering ? 1 : 0
  name          = "${local.cluster_name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = var.network
}

resource "google_service_networking_connection" "private_services" {
  count                   = local.create_peering ? 1 : 0
  network                 = var.network
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services[0].name]
  # Removing the peering fails while other services use it; leave it on destroy.
  deletion_policy = "ABANDON"
}

resource "google_sql_database_instance" "metadata" {
  count               = var.metadata_database.enabled ? 1 : 0
  name                = "${local.cluster_name}-metadata"
  region              = var.region
  database_version    = "POSTGRES_15"
  deletion_protection = true
  depends_on          = [google_service_networking_connection.private_services]

  settings {
    tier = var.metadata_database.tier
    # Performance-optimized tiers exist only on Enterprise Plus; the provider
    # no longer defaults the edition, so it is said here.
    edition           = startswith(var.metadata_database.tier, "db-perf-optimized") ? "ENTERPRISE_PLUS" : "ENTERPRISE"
    availability_type = var.metadata_database.availability_type
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/${var.project_id}/global/networks/${var.network}"
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    database_flags {
      name  = "log_min_duration_statement"
      value = "1000"
    }
    # Slow statements are logged without their parameters: those hold the
    # conversations' text, which must not reach Cloud Logging.
    database_flags {
      name  = "log_parameter_max_length"
      value = "0"
    }
  }
}

resource "google_sql_database" "chatbot" {
  count    = var.metadata_database.enabled ? 1 : 0
  name     = "chatbot"
  instance = google_sql_database_instance.metadata[0].name
}

ephemeral "random_password" "chatbot_db" {
  length  = 32
  special = false
}

resource "google_sql_user" "chatbot" {
  count = var.metadata_database.enabled ? 1 : 0
  # The user owns objects in the database, so deleting it fails; it goes
  # with the instance.
  deletion_policy     = "ABANDON"
  name                = "chatbot"
  instance            = google_sql_database_instance.metadata[0].name
  password_wo         = ephemeral.random_password.chatbot_db.result
  password_wo_version = local.db_password_version
}

resource "google_secret_manager_secret" "chatbot_db_password" {
  count     = var.metadata_database.enabled ? 1 : 0
  secret_id = "${local.cluster_name}-chatbot-db-password"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "chatbot_db_password" {
  count                  = var.metadata_database.enabled ? 1 : 0
  secret                 = google_secret_manager_secret.chatbot_db_password[0].id
  secret_data_wo         = ephemeral.random_password.chatbot_db.result
  secret_data_wo_version = local.db_password_version
}
