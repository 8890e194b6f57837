# Private nodes have no external IPs: Cloud NAT gives them egress (images
# from public registries, Hugging Face models, Jenkins plugins).

resource "google_compute_router" "nat" {
  count   = var.private_nodes ? 1 : 0
  name    = "${local.cluster_name}-nat"
  region  = var.region
  network = var.network
}

resource "google_compute_router_nat" "nat" {
  count                              = var.private_nodes ? 1 : 0
  name                               = "${local.cluster_name}-nat"
  router                             = google_compute_router.nat[0].name
  region                             = google_compute_router.nat[0].region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}
