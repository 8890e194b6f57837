output "cluster_name" {
  description = "The GKE cluster's name."
  value       = google_container_cluster.this.name
}

output "location" {
  description = "The cluster's zone or region."
  value       = google_container_cluster.this.location
}

output "endpoint" {
  description = "The control plane endpoint."
  value       = google_container_cluster.this.endpoint
  sensitive   = true
}

output "workload_identity_pool" {
  description = "Bind Kubernetes ServiceAccounts to Google service accounts in this pool."
  value       = google_container_cluster.this.workload_identity_config[0].workload_pool
}

output "node_service_account" {
  description = "The nodes' dedicated service account."
  value       = google_service_account.nodes.email
}

output "get_credentials" {
  description = "Command that writes a kubeconfig entry for this cluster."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.this.name} --location ${google_container_cluster.this.location} --project ${var.project_id}"
}

output "image_repository" {
  description = "Set the pipeline's IMAGE_REPOSITORY parameter to this, plus the chatbot's name."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.chatbots.repository_id}"
}

output "deployer_service_account" {
  description = "Annotate the Jenkins chatbot-builder ServiceAccount with this (iam.gke.io/gcp-service-account): it pushes images and can do nothing in the cluster."
  value       = google_service_account.deployer.email
}

output "metadata_database_host" {
  description = "Private IP of the metadata PostgreSQL: the chart's config.PGHOST (database and user: chatbot)."
  value       = var.metadata_database.enabled ? google_sql_database_instance.metadata[0].private_ip_address : null
}

output "metadata_database_server_ca" {
  description = "PEM of the metadata database's server CA (public): the chart's config.PG_SSL_CA, so the chatbot verifies the server."
  value       = var.metadata_database.enabled ? google_sql_database_instance.metadata[0].server_ca_cert[0].cert : null
}

output "metadata_database_password_secret" {
  description = "Secret Manager secret holding the chatbot user's password; sync it into the chatbot's Secret as PGPASSWORD."
  value       = var.metadata_database.enabled ? google_secret_manager_secret.chatbot_db_password[0].id : null
}

output "portal_service_account" {
  description = "Annotate the portal's ServiceAccount with this (iam.gke.io/gcp-service-account); RBAC subjects name it as a User."
  value       = google_service_account.portal.email
}

output "portal_database_password_secret" {
  description = "Secret Manager secret holding the portal user's password; sync it into portal-secrets as POSTGRES_PASSWORD."
  value       = var.metadata_database.enabled ? google_secret_manager_secret.portal_db_password[0].id : null
}
