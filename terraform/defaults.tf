# Cluster defaults have one home: the Infrastructure page of the portal's
# create-chatbot template (templates/create-chatbot/template.yaml). This
# module reads them from there, so a cluster made with terraform and one
# made from the portal's form start from the same settings. A variable set
# in terraform.tfvars still wins.

locals {
  template_file = "${path.module}/../templates/create-chatbot/template.yaml"
  infrastructure_page = one([
    for page in yamldecode(file(local.template_file)).spec.parameters :
    page.properties if try(page.title, "") == "Infrastructure"
  ])
  template_defaults = {
    for name, field in local.infrastructure_page : name => lookup(field, "default", null)
  }

  location         = coalesce(var.location, local.template_defaults.location)
  cluster_name     = coalesce(var.cluster_name, local.template_defaults.clusterName)
  machine_type     = coalesce(var.machine_type, local.template_defaults.machineType)
  min_nodes        = coalesce(var.min_nodes, local.template_defaults.minNodes)
  max_nodes        = coalesce(var.max_nodes, local.template_defaults.maxNodes)
  release_channel  = coalesce(var.release_channel, local.template_defaults.releaseChannel)
  gpu_machine_type = coalesce(var.gpu_pool.machine_type, local.template_defaults.gpuMachineType)
  gpu_accelerator  = coalesce(var.gpu_pool.accelerator, local.template_defaults.gpuAccelerator)
}
