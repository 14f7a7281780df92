# Open MPI settings for ONE machine without a network (loopback only, as root, oversubscribed):
# sourced by the demo, test and benchmark scripts, never by setup.sh, so they stay out of a user's
# shell and out of a cluster job, where they would be wrong (plm=isolated cannot start remote
# daemons, btl=self,vader cannot talk between nodes). docs/campaign.md, "Laptop and cluster".
# Source it yourself to run mpiexec by hand on such a machine:  source scripts/local_mpi_env.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_btl=self,vader
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_pml=ob1 OMPI_MCA_plm=isolated
