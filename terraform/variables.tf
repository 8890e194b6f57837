# Unset (null) cluster settings take the create-chatbot template's defaults
# (defaults.tf): one zone in Singapore, e2-standard-4 nodes, autoscaling 1-2.

variable "project_id" {
  description = "GCP project that hosts the cluster."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a GCP project id: 6-30 lowercase letters, digits and dashes."
  }
}

variable "region" {
  description = "Region for regional resources (Artifact Registry, the provider default)."
  type        = string
  default     = "asia-southeast1"
}

variable "location" {
  description = "Zone (zonal cluster) or region (regional cluster) of the cluster."
  type        = string
  default     = null # the template's default (defaults.tf)
  validation {
    condition     = var.location == null || can(regex("^[a-z]+-[a-z]+[0-9]{1,2}(-[a-z])?$", var.location))
    error_message = "location must be a GCP region (asia-southeast1) or zone (asia-southeast1-b)."
  }
}

variable "cluster_name" {
  description = "GKE cluster name."
  type        = string
  default     = null # the template's default (defaults.tf)
  validation {
    # The template's rule. 24 at most: the node service account id
    # "<name>-nodes" is capped at 30 (and is 6 or more for any name).
    condition     = var.cluster_name == null || can(regex("^[a-z]([-a-z0-9]{0,22}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be 1-24 lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "machine_type" {
  description = "Node machine type."
  type        = string
  default     = null # the template's default (defaults.tf)
}

variable "min_nodes" {
  description = "Autoscaling minimum nodes per zone."
  type        = number
  default     = null # the template's default (defaults.tf)
  validation {
    # The template's bounds: the default pool runs the platform, never zero.
    condition     = var.min_nodes == null || (var.min_nodes >= 1 && var.min_nodes <= 100)
    error_message = "min_nodes must be between 1 and 100."
  }
}

variable "max_nodes" {
  description = "Autoscaling maximum nodes per zone."
  type        = number
  default     = null # the template's default (defaults.tf)
  validation {
    condition     = var.max_nodes == null || (var.max_nodes >= 1 && var.max_nodes <= 100)
    error_message = "max_nodes must be between 1 and 100."
  }
}

variable "release_channel" {
  description = "GKE release channel."
  type        = string
  default     = null # the template's default (defaults.tf)
  validation {
    condition     = var.release_channel == null || contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "private_nodes" {
  description = "Give nodes only internal IPs, with egress through Cloud NAT (nat.tf). Changing it replaces the cluster."
  type        = bool
  default     = true
}

variable "master_ipv4_cidr_block" {
  description = "Control plane CIDR for private clusters (a /28)."
  type        = string
  default     = "172.16.0.32/28"
  validation {
    condition     = can(cidrnetmask(var.master_ipv4_cidr_block)) && endswith(var.master_ipv4_cidr_block, "/28")
    error_message = "master_ipv4_cidr_block must be a /28 CIDR block."
  }
}

variable "master_authorized_networks" {
  description = "CIDRs allowed to reach the control plane; empty allows all (authenticated) clients."
  type        = list(object({ cidr_block = string, display_name = string }))
  default     = []
}

variable "gpu_pool" {
  description = "Optional GPU node pool for the in-cluster model server."
  type = object({
    enabled = bool
    # Unset: the template's Infrastructure page (defaults.tf).
    machine_type = optional(string)
    accelerator  = optional(string)
    count        = number # GPUs per node
    max_nodes    = number
  })
  default = {
    enabled   = false
    count     = 1
    max_nodes = 1
  }
}

variable "artifact_repository" {
  description = "Artifact Registry Docker repository the pipeline pushes chatbot images to."
  type        = string
  default     = "chatbots"
}

variable "jenkins_delivery_namespace" {
  description = "Namespace of the Jenkins delivery pods (helm/chatbot-platform deliveryNamespace), whose chatbot-builder ServiceAccount pushes images."
  type        = string
  default     = "jenkins-delivery"
}

variable "network" {
  description = "VPC network of the cluster; the metadata database gets its private IP on the same network."
  type        = string
  default     = "default"
}

variable "metadata_database" {
  description = "Cloud SQL PostgreSQL for chatbot metadata, shared by replicas; without it each chatbot runs one replica on SQLite."
  type = object({
    enabled           = bool
    tier              = string
    availability_type = string
  })
  default = {
    enabled           = true
    tier              = "db-custom-1-3840"
    availability_type = "ZONAL"
  }
  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.metadata_database.availability_type)
    error_message = "metadata_database.availability_type must be ZONAL or REGIONAL."
  }
  validation {
    condition     = can(regex("^db-(custom-[0-9]+-[0-9]+|f1-micro|g1-small|perf-optimized-N-[0-9]+)$", var.metadata_database.tier))
    error_message = "metadata_database.tier must be a Cloud SQL tier such as db-custom-1-3840 (db-perf-optimized-N-* runs on the Enterprise Plus edition, which the instance then uses)."
  }
}

variable "private_services_peering_exists" {
  description = "The network already has its private-services peering (servicenetworking): adopt it instead of creating one, which would overwrite its ranges."
  type        = bool
  default     = false
}

variable "portal_namespace" {
  description = "Namespace of the developer portal (Backstage); chatbot NetworkPolicies admit it (helm/model-serving networkPolicy.portalNamespace)."
  type        = string
  default     = "backstage"
}

variable "portal_service_account" {
  description = "The portal's Kubernetes ServiceAccount (chart value serviceAccount.name)."
  type        = string
  default     = "portal"
}
