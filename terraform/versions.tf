terraform {
  required_version = ">= 1.11" # write-only arguments and ephemeral resources
  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.23: write-only passwords; 6.44: cleanup policies applied; 6.49.0
      # forced the replacement of secret versions.
      version = ">= 6.44, != 6.49.0, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.7.0" # the ephemeral random_password
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
