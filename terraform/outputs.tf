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
  value       = "${var.project_id}.svc.id.goog"
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
  description = "Annotate the Jenkins chatbot-deployer ServiceAccount with this (iam.gke.io/gcp-service-account)."
  value       = google_service_account.deployer.email
}
