# A GKE Standard cluster for the LLM chatbots: Workload Identity, shielded
# nodes on a release channel, and nodes that run as a dedicated service
# account holding only the roles nodes need.

resource "google_service_account" "nodes" {
  account_id   = "${local.cluster_name}-nodes"
  display_name = "GKE nodes for ${local.cluster_name}"
}

# Minimal node roles (Google's "least privilege" node service account set):
# write logs and metrics, read monitoring config, pull images.
locals {
  node_roles = [
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ]
}

resource "google_project_iam_member" "nodes" {
  for_each = toset(local.node_roles)
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_container_cluster" "this" {
  name     = local.cluster_name
  location = local.location

  # Node pools are managed separately; GKE needs one node to create the
  # cluster. That temporary pool runs as the nodes' own service account, not
  # the Compute Engine default one.
  remove_default_node_pool = true
  initial_node_count       = 1
  deletion_protection      = true
  node_config {
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
  }

  release_channel {
    channel = local.release_channel
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  network         = var.network
  networking_mode = "VPC_NATIVE"
  ip_allocation_policy {}

  enable_shielded_nodes = true

  # Private nodes by default: turning them on later replaces the cluster
  # (ForceNew in every 6.x), which deletion_protection then blocks. Nodes
  # reach the internet through Cloud NAT (nat.tf).
  dynamic "private_cluster_config" {
    for_each = var.private_nodes ? [1] : []
    content {
      enable_private_nodes    = true
      enable_private_endpoint = false
      master_ipv4_cidr_block  = var.master_ipv4_cidr_block
    }
  }

  # kubectl and the portal reach the control plane through its DNS endpoint,
  # authorised by IAM; the IP endpoint is limited to the authorised networks.
  control_plane_endpoints_config {
    dns_endpoint_config {
      allow_external_traffic = true
    }
  }

  dynamic "master_authorized_networks_config" {
    for_each = length(var.master_authorized_networks) > 0 ? [1] : []
    content {
      dynamic "cidr_blocks" {
        for_each = var.master_authorized_networks
        content {
          cidr_block   = cidr_blocks.value.cidr_block
          display_name = cidr_blocks.value.display_name
        }
      }
    }
  }

  # No basic auth, no client certificate: access is through IAM only.
  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  network_policy {
    enabled  = false
    provider = "PROVIDER_UNSPECIFIED"
  }
  datapath_provider = "ADVANCED_DATAPATH" # Dataplane V2 enforces NetworkPolicy

  logging_service    = "logging.googleapis.com/kubernetes"
  monitoring_service = "monitoring.googleapis.com/kubernetes"
}

resource "google_container_node_pool" "default" {
  name     = "default"
  cluster  = google_container_cluster.this.id
  location = local.location

  # ForceNew: with autoscaling the count drifts, and a changed min_nodes must
  # not recreate the pool; autoscaling's bounds are what is managed.
  initial_node_count = local.min_nodes
  lifecycle {
    ignore_changes = [initial_node_count]
  }
  autoscaling {
    min_node_count = local.min_nodes
    max_node_count = local.max_nodes
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = local.machine_type
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }
    labels = {
      pool = "default"
    }
  }
}

resource "google_container_node_pool" "gpu" {
  count    = var.gpu_pool.enabled ? 1 : 0
  name     = "gpu"
  cluster  = google_container_cluster.this.id
  location = local.location

  initial_node_count = 0 # scale up when the model server is scheduled
  lifecycle {
    ignore_changes = [initial_node_count]
  }
  autoscaling {
    min_node_count = 0
    max_node_count = var.gpu_pool.max_nodes
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = local.gpu_machine_type
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    guest_accelerator {
      type  = local.gpu_accelerator
      count = var.gpu_pool.count
      gpu_driver_installation_config {
        gpu_driver_version = "LATEST"
      }
    }

    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NO_SCHEDULE"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}

# Where the pipeline pushes images, and the identity it pushes with: the
# Jenkins chatbot-builder ServiceAccount (the build pod's, which has no
# Kubernetes rights) acts as this Google service account
# through Workload Identity, so no key file exists.
resource "google_artifact_registry_repository" "chatbots" {
  location      = var.region
  repository_id = var.artifact_repository
  format        = "DOCKER"
  description   = "Chatbot images, tagged by commit sha"

  # A tag, once pushed, always names the same image: a rollback restores
  # what was tested.
  docker_config {
    immutable_tags = true
  }
  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "7d"
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "TAGGED"
      older_than = "90d"
    }
  }
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }
}

resource "google_service_account" "deployer" {
  account_id   = "chatbot-deployer"
  display_name = "Jenkins pipeline that builds and deploys chatbots"
}

# Nodes pull the chatbot images from this repository only, not from every
# repository in the project.
resource "google_artifact_registry_repository_iam_member" "nodes_pull" {
  location   = google_artifact_registry_repository.chatbots.location
  repository = google_artifact_registry_repository.chatbots.name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_artifact_registry_repository_iam_member" "deployer_push" {
  location   = google_artifact_registry_repository.chatbots.location
  repository = google_artifact_registry_repository.chatbots.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.deployer.email}"
}

resource "google_service_account_iam_member" "deployer_workload_identity" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  # From the cluster's own attribute: the identity pool exists only once the
  # cluster with Workload Identity does, so the binding waits for it.
  member = "serviceAccount:${google_container_cluster.this.workload_identity_config[0].workload_pool}[${var.jenkins_delivery_namespace}/chatbot-builder]"
}
